package dev.hoop.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.ConnectionParams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One-off commands as real processes. */
class ExecRunTest {
    private static final Map<String, String> AGENT_ENV = Map.of("PATH", System.getenv("PATH"), "HOOP_KEY", "grpc://a:xagt-secret@h", "HOME", "/tmp");

    private static CommandSpec spec(List<String> command, Map<String, String> envs) {
        return Commands.resolve(new ConnectionParams("c", "command-line", command, envs), List.of(), AGENT_ENV);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "exit 0|0",
        "exit 3|3",
        "kill -9 $$|137",
    })
    void exitCodes(String script, int code) throws Exception {
        CollectedOutput out = new CollectedOutput();
        ExecRun.start(spec(List.of("sh", "-c", script), Map.of()), new byte[0], out);
        assertThat(out.awaitExit()).isEqualTo(code);
    }

    @Test
    void commandNotFoundIs127WithTheMessageOnStderr() throws Exception {
        CollectedOutput out = new CollectedOutput();
        ExecRun.start(spec(List.of("definitely-not-a-command", "x"), Map.of()), new byte[0], out);
        assertThat(out.awaitExit()).isEqualTo(127);
        assertThat(out.chunks).containsExactly(new CollectedOutput.Chunk("err", "command not found: definitely-not-a-command\n"));
    }

    @Test
    void aFileThatIsNotExecutableIs126() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("not-exec", ".sh");
        try {
            CollectedOutput out = new CollectedOutput();
            ExecRun.start(spec(List.of(file.toString()), Map.of()), new byte[0], out);
            assertThat(out.awaitExit()).isEqualTo(126);
            assertThat(out.text("err")).isEqualTo("permission denied: " + file + "\n");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void stdoutAndStderrInterleaveAsTheyCome() throws Exception {
        // The pauses order the writes across the two pipes; each line is its own chunk.
        String script = "echo out1; sleep 0.3; echo err1 >&2; sleep 0.3; echo out2; sleep 0.3; echo err2 >&2";
        CollectedOutput out = new CollectedOutput();
        ExecRun.start(spec(List.of("sh", "-c", script), Map.of()), new byte[0], out);
        assertThat(out.awaitExit()).isZero();
        assertThat(out.chunks).containsExactly(
                new CollectedOutput.Chunk("out", "out1\n"), new CollectedOutput.Chunk("err", "err1\n"),
                new CollectedOutput.Chunk("out", "out2\n"), new CollectedOutput.Chunk("err", "err2\n"));
    }

    @Test
    void outputIsStreamedBeforeTheCommandEnds() throws Exception {
        CollectedOutput out = new CollectedOutput();
        ExecRun run = ExecRun.start(spec(List.of("sh", "-c", "echo first; exec sleep 60"), Map.of()), new byte[0], out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.stdoutText().equals("first\n")) {
            assertThat(System.nanoTime()).as("first line streamed").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertThat(out.exit).isNotDone();
        long pid = run.pid();
        run.kill();
        assertThat(ProcessHandle.of(pid).map(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join().isAlive()).orElse(false)).isFalse();
    }

    @Test
    void stdinIsWrittenThenClosed() throws Exception {
        CollectedOutput out = new CollectedOutput();
        byte[] input = "a\nb\nc\n".getBytes(StandardCharsets.UTF_8);
        ExecRun.start(spec(List.of("wc", "-l"), Map.of()), input, out);
        assertThat(out.awaitExit()).isZero();
        assertThat(out.text("out").trim()).isEqualTo("3");
    }

    @Test
    void environmentHasTheConnectionsEnvsAndNotTheAgentKey() throws Exception {
        CollectedOutput out = new CollectedOutput();
        ExecRun.start(spec(List.of("sh", "-c", "echo \"$SECRET_TOKEN|${HOOP_KEY:-unset}|$HOME\""), Map.of("SECRET_TOKEN", "t0k")), new byte[0], out);
        assertThat(out.awaitExit()).isZero();
        assertThat(out.text("out")).isEqualTo("t0k|unset|/tmp\n");
    }

    @Test
    void backpressureReadsTheNextChunkOnlyWhenThePreviousWasTaken() throws Exception {
        // 1 MiB of output with a sink that takes one chunk at a time, released by the test.
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        java.util.concurrent.BlockingQueue<CompletableFuture<Void>> pending = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        long[] total = new long[1];
        ProcessOutput slow = new ProcessOutput() {
            @Override
            public CompletionStage<Void> stdout(byte[] chunk) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                assertThat(chunk.length).isLessThanOrEqualTo(ExecRun.CHUNK);
                total[0] += chunk.length;
                CompletableFuture<Void> taken = new CompletableFuture<>();
                pending.add(taken);
                return taken;
            }

            @Override
            public CompletionStage<Void> stderr(byte[] chunk) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void exited(int code) {
                exit.complete(code);
            }
        };
        ExecRun.start(spec(List.of("head", "-c", "1048576", "/dev/zero"), Map.of()), new byte[0], slow);
        while (!exit.isDone()) {
            CompletableFuture<Void> next = pending.poll(100, TimeUnit.MILLISECONDS);
            if (next != null) {
                inFlight.decrementAndGet();
                next.complete(null);
            }
        }
        assertThat(exit.get()).isZero();
        assertThat(total[0]).isEqualTo(1048576);
        assertThat(maxInFlight.get()).isEqualTo(1);
    }
}
