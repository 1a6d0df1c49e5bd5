package dev.hoop.agent.terminal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.Commands;
import dev.hoop.agent.exec.ExecRun;
import dev.hoop.agent.exec.ProcessOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An interactive command on a pseudo-terminal (pty4j): the client's keystrokes go to the pty, the
 * pty's output (stdout and stderr together, as on any terminal) goes back as stdout chunks read
 * only after the previous one was taken, resizes set the pty's window size, and the exit code is
 * reported when the command ends.
 */
public final class TerminalRun {
    private static final Logger log = LoggerFactory.getLogger(TerminalRun.class);
    private static final int CHUNK = 16 * 1024;

    private final PtyProcess process;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("terminal-stdin").factory());
    private final AtomicBoolean killed = new AtomicBoolean();

    private TerminalRun(PtyProcess process) {
        this.process = process;
    }

    /** Starts the command on a new pty; never throws: failures to start are reported through {@code out}. */
    public static TerminalRun start(CommandSpec spec, TtySize size, ProcessOutput out) {
        if (Commands.locate(spec.program(), spec.env()).isEmpty()) {
            return failed(out, ExecRun.EXIT_NOT_FOUND, "command not found: " + spec.program());
        }
        Map<String, String> env = new HashMap<>(spec.env());
        env.putIfAbsent("TERM", "xterm-256color");
        PtyProcess process;
        try {
            process = new PtyProcessBuilder(spec.argv().toArray(String[]::new))
                    .setEnvironment(env)
                    .setInitialRows(size.rows())
                    .setInitialColumns(size.cols())
                    .setConsole(false)
                    .setRedirectErrorStream(true)
                    .start();
        } catch (IOException | RuntimeException e) {
            return failed(out, 1, "cannot start " + spec.program() + " on a terminal: " + e.getMessage());
        }
        TerminalRun run = new TerminalRun(process);
        run.serve(out);
        return run;
    }

    private static TerminalRun failed(ProcessOutput out, int exitCode, String message) {
        Thread.ofVirtual().name("terminal-failed").start(() ->
                out.stdout((message + "\r\n").getBytes(StandardCharsets.UTF_8)).whenComplete((ok, e) -> out.exited(exitCode)));
        return new TerminalRun(null);
    }

    private void serve(ProcessOutput out) {
        long pid = process.pid();
        Thread.ofVirtual().name("terminal-output-" + pid).start(() -> {
            byte[] buf = new byte[CHUNK];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        out.stdout(Arrays.copyOf(buf, n)).toCompletableFuture().join();
                    }
                }
            } catch (IOException e) {
                // Linux answers EIO on the pty master once the command's side is closed: the normal end.
                log.debug("terminal {}: output ended: {}", pid, e.getMessage());
            } catch (RuntimeException e) {
                log.info("terminal {}: output could not be delivered ({}); stopping the command", pid, e.getMessage());
                kill();
            }
            try {
                int code = process.waitFor();
                if (!killed.get()) {
                    out.exited(code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writer.shutdown();
            }
        });
    }

    /** Keystrokes for the command; the stage completes when the pty took them. */
    public CompletionStage<Void> write(byte[] input) {
        if (process == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    OutputStream stdin = process.getOutputStream();
                    stdin.write(input);
                    stdin.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("writing to the terminal of process " + process.pid(), e);
                }
            }, writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the terminal's command has ended"));
        }
    }

    public void resize(TtySize size) {
        if (process != null && process.isAlive()) {
            process.setWinSize(new WinSize(size.cols(), size.rows()));
        }
    }

    /** Stops the command and its children; no exit is reported afterwards. Idempotent. */
    public void kill() {
        if (process == null || !killed.compareAndSet(false, true)) {
            return;
        }
        // pty4j's Process does not implement toHandle(): look the process up by pid.
        ProcessHandle.of(process.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
        process.destroyForcibly();
        writer.shutdownNow();
    }
}
