package dev.hoop.agent.exec;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.StreamMasker;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command's output (exec, terminal) through {@link TextMasker#stream()}: each stream is decoded as
 * UTF-8 across chunk boundaries (a character split between two chunks is held back), masked with
 * a bounded look-behind, and sent on. When the masker fails, nothing more of the output passes:
 * stderr gets one line saying so and the exit code becomes 1 (fail closed). Output calls come
 * from one reader thread per stream; the two streams are independent.
 */
public final class MaskedOutput implements ProcessOutput {
    private static final Logger log = LoggerFactory.getLogger(MaskedOutput.class);
    static final String FAILED = "hoop: data masking failed; the rest of the output was withheld\n";

    private final ProcessOutput out;
    private final Stream stdout;
    private final Stream stderr;
    private volatile boolean failed;

    /** {@code out} with its stdout and stderr masked (exec and terminal output), or {@code out} itself when masking is off. */
    public static ProcessOutput of(SessionMasking masking, ProcessOutput out) {
        return masking.enabled() ? new MaskedOutput(masking.masker(), out) : out;
    }

    MaskedOutput(TextMasker masker, ProcessOutput out) {
        this.out = out;
        this.stdout = new Stream(masker.stream());
        this.stderr = new Stream(masker.stream());
    }

    @Override
    public CompletionStage<Void> stdout(byte[] chunk) {
        return send(stdout, chunk, false, true);
    }

    @Override
    public CompletionStage<Void> stderr(byte[] chunk) {
        return send(stderr, chunk, false, false);
    }

    @Override
    public void exited(int exitCode) {
        CompletionStage<Void> tails = send(stdout, new byte[0], true, true)
                .thenCompose(v -> send(stderr, new byte[0], true, false));
        tails.whenComplete((v, e) -> out.exited(failed ? 1 : exitCode));
    }

    private CompletionStage<Void> send(Stream stream, byte[] chunk, boolean last, boolean toStdout) {
        if (failed) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] masked;
        try {
            masked = stream.mask(chunk, last);
        } catch (RuntimeException e) {
            return fail(e);
        }
        if (masked.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return toStdout ? out.stdout(masked) : out.stderr(masked);
    }

    private synchronized CompletionStage<Void> fail(RuntimeException e) {
        if (failed) {
            return CompletableFuture.completedFuture(null);
        }
        failed = true;
        if (e instanceof dev.hoop.agent.dlp.MaskingUnavailableException unavailable) {
            // A provider's failure: its message names what failed and never quotes the output.
            log.warn("masking command output failed: {}; the rest of the output is withheld", unavailable.getMessage());
            return out.stderr(("hoop: data masking failed (" + unavailable.getMessage() + "); the rest of the output was withheld\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        // Not e's message: it may quote the text being masked.
        log.warn("masking command output failed with {}; the rest of the output is withheld", e.getClass().getName());
        return out.stderr(FAILED.getBytes(StandardCharsets.UTF_8));
    }

    /** One output stream: UTF-8 decoding that carries split characters over, then the stream masker. */
    private static final class Stream {
        private final StreamMasker masker;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer carry = ByteBuffer.allocate(0);

        Stream(StreamMasker masker) {
            this.masker = masker;
        }

        synchronized byte[] mask(byte[] chunk, boolean last) {
            ByteBuffer in;
            if (carry.hasRemaining()) {
                in = ByteBuffer.allocate(carry.remaining() + chunk.length).put(carry).put(chunk).flip();
            } else {
                in = ByteBuffer.wrap(chunk);
            }
            CharBuffer chars = CharBuffer.allocate((int) (in.remaining() * (double) decoder.maxCharsPerByte()) + 4);
            decoder.decode(in, chars, last);
            if (last) {
                decoder.flush(chars);
            }
            carry = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
            chars.flip();
            String text = masker.push(chars);
            if (last) {
                text = text + masker.finish();
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
