package dev.hoop.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the CLI prints while a session waits for its review, off a terminal: the URL once, then each change of the pending groups. */
class ReviewWaitTest {
    static final String ID = "6f1c9a2e-0d7b-4c55-9a64-2f1d0c3b8e11";

    private static Packet waiting(String pending) {
        return Wire.packet(ClientPacket.SESSION_OPEN_WAITING_APPROVAL, Map.of(SpecKey.REVIEW_ID, ID, SpecKey.REVIEW_PENDING_GROUPS, pending),
                ("https://hoop.example.com/reviews/" + ID).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void printsTheUrlOnceThenEachChangeOfThePendingGroups() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ReviewWait wait = new ReviewWait(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            assertThat(wait.waiting()).isFalse();
            wait.waiting(waiting("dba,sre"));
            wait.waiting(waiting("dba,sre")); // after a reconnect: the same review, nothing new to say
            wait.waiting(waiting("sre"));
            assertThat(wait.waiting()).isTrue();
            assertThat(wait.reviewId()).isEqualTo(ID);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).replaceAll("waiting \\d+s", "waiting Ns")).isEqualTo("""
                this connection needs a review: https://hoop.example.com/reviews/%1$s
                review %1$s waits for approval; Ctrl-C stops waiting (the review stays: hoop exec … --review %1$s once approved)
                waiting Ns, still to decide: dba, sre
                waiting Ns, still to decide: sre
                """.formatted(ID));
    }

    @Test
    void aLiveLineIsRewrittenInPlaceAndEndedBeforeOtherOutput() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReviewWait wait = new ReviewWait(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "stop: %s");
        wait.waiting(waiting("dba"));
        wait.close();
        wait.close(); // idempotent
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("review " + ID + " waits for approval; stop: " + ID + "\n")
                .contains("\r\033[Kwaiting ").endsWith("still to decide: dba\n");
    }
}
