package dev.hoop.agent.exec;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.dlp.TextMasker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.StreamMasker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Command output through the session's masker: chunk boundaries, split characters, fail closed. */
class MaskedOutputTest {
    private final Captured captured = new Captured();

    @Test
    void addressesSplitAcrossChunksAreMasked() {
        SessionMasking masking = SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null);
        ProcessOutput out = MaskedOutput.of(masking, captured);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            all.append("line ").append(i).append(" user").append(i).append("@example.com é\n");
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        // Odd chunk sizes cut addresses and the two-byte é alike.
        for (int off = 0; off < bytes.length; off += 7) {
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + 7));
            out.stdout(chunk);
        }
        out.stderr("to admin@example.com".getBytes(StandardCharsets.UTF_8));
        out.exited(0);
        String text = captured.stdout.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("@example.com").contains(" é\n");
        assertThat(text.lines().count()).isEqualTo(500);
        assertThat(text.split("\\[EMAIL_ADDRESS\\]", -1)).hasSize(501);
        assertThat(captured.stderr.toString(StandardCharsets.UTF_8)).isEqualTo("to [EMAIL_ADDRESS]");
        assertThat(captured.exit).isZero();
        assertThat(masking.summaryJson()).isEqualTo("{\"EMAIL_ADDRESS\":501}");
    }

    @Test
    void offMeansTheSameOutput() {
        assertThat(MaskedOutput.of(SessionMasking.of(null, null), captured)).isSameAs(captured);
        assertThat(SessionMasking.of(" ", null).enabled()).isFalse();
        assertThat(SessionMasking.OFF.summaryJson()).isNull();
    }

    @Test
    void aMaskerThatThrowsWithholdsTheRestAndExitsOne() {
        ProcessOutput out = MaskedOutput.of(SessionMasking.of(new Throwing(), false), captured);
        out.stdout("secret@example.com\n".getBytes(StandardCharsets.UTF_8));
        out.stdout("more secret@example.com\n".getBytes(StandardCharsets.UTF_8));
        out.exited(0);
        assertThat(captured.stdout.size()).isZero();
        assertThat(captured.stderr.toString(StandardCharsets.UTF_8)).isEqualTo(MaskedOutput.FAILED);
        assertThat(captured.exit).isEqualTo(1);
    }

    @Test
    void anUnusableConfigRefusesTheSession() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionMasking.of("types=NOPE", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data masking configuration is unusable");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionMasking.of("types=EMAIL_ADDRESS", "%%%"))
                .hasMessageContaining("masking.hash_key is not base64");
    }

    static final class Captured implements ProcessOutput {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Integer exit;

        @Override
        public CompletionStage<Void> stdout(byte[] chunk) {
            stdout.writeBytes(chunk);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> stderr(byte[] chunk) {
            stderr.writeBytes(chunk);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void exited(int exitCode) {
            exit = exitCode;
        }
    }

    static final class Throwing implements TextMasker {
        @Override
        public String maskValue(String columnName, String value) {
            throw new IllegalStateException(value);
        }

        @Override
        public String maskText(String text) {
            throw new IllegalStateException(text);
        }

        @Override
        public StreamMasker stream() {
            return new StreamMasker() {
                @Override
                public String push(CharSequence chunk) {
                    throw new IllegalStateException(chunk.toString());
                }

                @Override
                public String finish() {
                    throw new IllegalStateException("finish");
                }
            };
        }

        @Override
        public Map<InfoType, Long> counts() {
            return Map.of();
        }
    }
}
