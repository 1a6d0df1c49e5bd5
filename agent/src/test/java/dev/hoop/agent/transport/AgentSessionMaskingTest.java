package dev.hoop.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.terminal.TtySize;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A session with data masking: terminal and exec output (real processes) leave the agent masked, with their counts. */
class AgentSessionMaskingTest {
    private final List<Packet> sent = new CopyOnWriteArrayList<>();
    // A script that prints 2,000 addresses in pieces of odd sizes: reads cut them at every offset.
    private static final String SCRIPT = "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); printf 'n%d user%d@exam' $i $i; printf 'ple.com\\n'; done";

    private AgentSession session(Verb verb) {
        return new AgentSession("s1", new ConnectionParams("sh", "command-line", List.of("sh"), Map.of()), ConnectionType.COMMAND_LINE,
                verb, Optional.empty(), p -> {
                    sent.add(p);
                    return CompletableFuture.completedFuture(null);
                }, () -> { }, SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null));
    }

    @Test
    void terminalOutputIsMaskedAndCounted() throws Exception {
        AgentSession s = session(Verb.CONNECT);
        s.startTerminal(() -> new CommandSpec(List.of("sh", "-c", SCRIPT), Map.of("PATH", System.getenv("PATH"))), new TtySize(24, 80));
        String out = awaitClose();
        assertThat(out).doesNotContain("@example.com").doesNotContain("@exam");
        assertThat(out.split("\\[EMAIL_ADDRESS\\]", -1)).hasSize(2001);
        assertThat(lastSummary()).isEqualTo("{\"EMAIL_ADDRESS\":2000}");
    }

    @Test
    void execOutputIsMaskedAndCounted() throws Exception {
        AgentSession s = session(Verb.EXEC);
        s.startExec(new CommandSpec(List.of("sh", "-c", SCRIPT + "; echo admin@example.com >&2"), Map.of("PATH", System.getenv("PATH"))),
                new byte[0]);
        String out = awaitClose();
        assertThat(out).doesNotContain("@example.com");
        assertThat(out.split("\\[EMAIL_ADDRESS\\]", -1)).hasSize(2002);
        assertThat(lastSummary()).isEqualTo("{\"EMAIL_ADDRESS\":2001}");
        Packet close = sent.getLast();
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getSpecMap().get(SpecKey.CLIENT_EXIT_CODE).toStringUtf8()).isEqualTo("0");
    }

    private String awaitClose() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (sent.isEmpty() || !sent.getLast().getType().equals(ClientPacket.SESSION_CLOSE)) {
            assertThat(System.nanoTime()).as("the session closes in time").isLessThan(deadline);
            Thread.sleep(20);
        }
        StringBuilder out = new StringBuilder();
        for (Packet p : sent) {
            if (p.getType().equals(ClientPacket.WRITE_STDOUT) || p.getType().equals(ClientPacket.WRITE_STDERR)) {
                out.append(p.getPayload().toStringUtf8());
            }
        }
        return out.toString();
    }

    private String lastSummary() {
        String summary = null;
        for (Packet p : sent) {
            if (p.getSpecMap().containsKey(SpecKey.REDACT_SUMMARY)) {
                summary = p.getSpecMap().get(SpecKey.REDACT_SUMMARY).toString(StandardCharsets.UTF_8);
            }
        }
        return summary;
    }
}
