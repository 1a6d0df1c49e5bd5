package dev.hoop.agent.postgres;

import dev.hoop.agent.exec.ProcessOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a script printed since the last {@link #sendTo}: stdout and stderr pieces in the order they
 * were printed, sent in chunks of at most {@link #CHUNK} bytes, one after the other.
 */
final class ScriptOutput {
    static final int CHUNK = 32 * 1024;

    private record Piece(boolean stderr, ByteArrayOutputStream bytes) {
    }

    private final List<Piece> pieces = new ArrayList<>();

    void stdout(String text) {
        piece(false).writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void stdout(byte[] bytes) {
        piece(false).writeBytes(bytes);
    }

    void stderr(String text) {
        piece(true).writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    boolean isEmpty() {
        return pieces.isEmpty();
    }

    /** Sends everything and forgets it; completes when the transport took the last chunk. */
    CompletionStage<Void> sendTo(ProcessOutput out) {
        CompletionStage<Void> sent = CompletableFuture.completedFuture(null);
        for (Piece piece : pieces) {
            byte[] all = piece.bytes.toByteArray();
            for (int from = 0; from < all.length; from += CHUNK) {
                byte[] chunk = Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK));
                sent = sent.thenCompose(v -> piece.stderr ? out.stderr(chunk) : out.stdout(chunk));
            }
        }
        pieces.clear();
        return sent;
    }

    private ByteArrayOutputStream piece(boolean stderr) {
        if (pieces.isEmpty() || pieces.getLast().stderr != stderr) {
            pieces.add(new Piece(stderr, new ByteArrayOutputStream()));
        }
        return pieces.getLast().bytes;
    }
}
