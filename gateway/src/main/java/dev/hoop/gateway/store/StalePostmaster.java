package dev.hoop.gateway.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a killed gateway leaves in its embedded cluster, cleared before the next start. Called only
 * while this gateway holds the data folder's lock, so no live gateway uses the cluster.
 *
 * <ul>
 *   <li>{@code postmaster.pid} naming a pid that is not a running postgres of this folder (the
 *       postgres died with the gateway, and the pid may since belong to another process, which
 *       makes PostgreSQL refuse to start): the file is stale and is removed.
 *   <li>A running postgres of this folder: pg_ctl started it detached, so it outlived the killed
 *       gateway that owned it. Its pid file is never touched; it is asked to shut down (SIGTERM,
 *       PostgreSQL's "smart" shutdown, which checkpoints and removes the file itself; SIGINT, the
 *       "fast" one, if that takes too long), and the start goes on once it is gone.
 * </ul>
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);
    static final String PID_FILE = "postmaster.pid";

    private StalePostmaster() {}

    static void clear(Path pgDir, Duration stopWait) throws IOException {
        Path pidFile = pgDir.resolve(PID_FILE);
        Optional<Long> pid = pidOf(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> running = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (running.isPresent() && isPostgresOf(running.get(), pgDir)) {
            stop(running.get(), pgDir, stopWait);
            return;
        }
        log.warn("storage: {} names pid {}, which is not a running postgres of {} (left by a gateway that was killed); removing it",
                pidFile, pid.get(), pgDir);
        Files.deleteIfExists(pidFile);
    }

    /** The pid on the file's first line; empty without a file or a readable pid (PostgreSQL then decides). */
    static Optional<Long> pidOf(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        try {
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A postgres (or postmaster) process whose {@code -D} is this folder. */
    static boolean isPostgresOf(ProcessHandle p, Path pgDir) {
        ProcessHandle.Info info = p.info();
        String command = info.command().map(c -> Path.of(c).getFileName().toString()).orElse("");
        if (!command.equals("postgres") && !command.equals("postmaster")) {
            return false;
        }
        String[] args = info.arguments().orElse(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-D") && samePath(Path.of(args[i + 1]), pgDir)) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static void stop(ProcessHandle postgres, Path pgDir, Duration wait) throws IOException {
        log.warn("storage: a postgres (pid {}) left running by a gateway that was killed still serves {}; shutting it down",
                postgres.pid(), pgDir);
        postgres.destroy(); // SIGTERM: smart shutdown; its clients died with the old gateway
        if (awaitExit(postgres, wait)) {
            return;
        }
        signal(postgres.pid(), "INT"); // fast shutdown: still a clean one
        if (!awaitExit(postgres, wait)) {
            throw new IOException("the postgres (pid " + postgres.pid() + ") left running in " + pgDir
                    + " did not shut down within " + wait.toSeconds() * 2 + " s; stop it (kill " + postgres.pid() + ") and start again");
        }
    }

    private static boolean awaitExit(ProcessHandle p, Duration wait) {
        try {
            p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void signal(long pid, String signal) throws IOException {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
