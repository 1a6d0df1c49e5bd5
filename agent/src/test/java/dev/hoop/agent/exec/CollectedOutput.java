package dev.hoop.agent.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link ProcessOutput} that records every chunk in arrival order, for tests. */
public final class CollectedOutput implements ProcessOutput {
    public record Chunk(String stream, String text) {}

    public final List<Chunk> chunks = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @Override
    public CompletionStage<Void> stdout(byte[] chunk) {
        synchronized (stdout) {
            stdout.writeBytes(chunk);
        }
        chunks.add(new Chunk("out", new String(chunk, StandardCharsets.UTF_8)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> stderr(byte[] chunk) {
        chunks.add(new Chunk("err", new String(chunk, StandardCharsets.UTF_8)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exited(int exitCode) {
        if (!exit.complete(exitCode)) {
            throw new AssertionError("exited twice");
        }
    }

    public String stdoutText() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    public String text(String stream) {
        StringBuilder b = new StringBuilder();
        chunks.stream().filter(c -> c.stream().equals(stream)).forEach(c -> b.append(c.text()));
        return b.toString();
    }

    public int awaitExit() throws Exception {
        return exit.get(20, TimeUnit.SECONDS);
    }
}
