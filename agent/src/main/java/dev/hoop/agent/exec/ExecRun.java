package dev.hoop.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One one-off command: the input is written to its stdin, which is then closed; stdout and stderr
 * are streamed as they come, in chunks of at most {@link #CHUNK} bytes, each read only after the
 * previous chunk was taken by the transport; the exit code is reported after the last byte.
 * A program that does not exist ends with exit code 127 and {@code command not found: NAME} on
 * stderr, as a shell does. Pipes are served by virtual threads.
 */
public final class ExecRun implements ExecHandle {
    static final int CHUNK = 32 * 1024;
    public static final int EXIT_NOT_FOUND = 127;
    public static final int EXIT_NOT_EXECUTABLE = 126;
    private static final Logger log = LoggerFactory.getLogger(ExecRun.class);

    private final Process process;
    private final AtomicBoolean killed = new AtomicBoolean();

    private ExecRun(Process process) {
        this.process = process;
    }

    /** Starts the command; never throws: failures to start are reported through {@code out}. */
    public static ExecRun start(CommandSpec spec, byte[] input, ProcessOutput out) {
        Optional<Path> program = Commands.locate(spec.program(), spec.env());
        if (program.isEmpty()) {
            return failed(out, EXIT_NOT_FOUND, "command not found: " + spec.program());
        }
        if (!Files.isExecutable(program.get()) || Files.isDirectory(program.get())) {
            return failed(out, EXIT_NOT_EXECUTABLE, "permission denied: " + spec.program());
        }
        ProcessBuilder pb = new ProcessBuilder(spec.argv());
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("error=13") || m.contains("Permission denied")) {
                return failed(out, EXIT_NOT_EXECUTABLE, "permission denied: " + spec.program());
            }
            if (m.contains("error=2,")) {
                return failed(out, EXIT_NOT_FOUND, "command not found: " + spec.program());
            }
            return failed(out, 1, "cannot start " + spec.program() + ": " + m);
        }
        ExecRun run = new ExecRun(process);
        run.serve(input, out);
        return run;
    }

    private static ExecRun failed(ProcessOutput out, int exitCode, String message) {
        Thread.ofVirtual().name("exec-failed").start(() -> {
            out.stderr((message + "\n").getBytes(StandardCharsets.UTF_8)).whenComplete((ok, e) -> out.exited(exitCode));
        });
        return new ExecRun(null);
    }

    private void serve(byte[] input, ProcessOutput out) {
        long pid = process.pid();
        Thread.ofVirtual().name("exec-stdin-" + pid).start(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null && input.length > 0) {
                    stdin.write(input);
                }
            } catch (IOException e) {
                // The command may exit without reading its input: not an error of the session.
                log.debug("exec {}: stdin closed early: {}", pid, e.getMessage());
            }
        });
        Thread stdout = Thread.ofVirtual().name("exec-stdout-" + pid).start(() -> pump(process.getInputStream(), out::stdout));
        Thread stderr = Thread.ofVirtual().name("exec-stderr-" + pid).start(() -> pump(process.getErrorStream(), out::stderr));
        Thread.ofVirtual().name("exec-wait-" + pid).start(() -> {
            try {
                int code = process.waitFor();
                stdout.join();
                stderr.join();
                if (!killed.get()) {
                    out.exited(code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("exec {}: reporting the exit failed", pid, e);
            }
        });
    }

    private void pump(InputStream in, Function<byte[], CompletionStage<Void>> sink) {
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    sink.apply(Arrays.copyOf(buf, n)).toCompletableFuture().join();
                }
            }
        } catch (IOException e) {
            log.debug("exec {}: output pipe closed: {}", process.pid(), e.getMessage());
        } catch (RuntimeException e) {
            // The transport is gone: nobody reads the output any more.
            log.info("exec {}: output could not be delivered ({}); stopping the command", process.pid(), e.getMessage());
            kill();
        }
    }

    /** Stops the command and its children; no exit is reported afterwards. Idempotent. */
    @Override
    public void kill() {
        if (process == null || !killed.compareAndSet(false, true)) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The process id, or -1 when the command did not start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }
}
