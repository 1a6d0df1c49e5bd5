package dev.hoop.gateway.store;

import dev.hoop.common.Causes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky binaries on the classpath) used when no {@code POSTGRES_DB_URI} is
 * set. The cluster lives in {@code <data dir>/pg} and is kept across restarts; the port is chosen
 * free at each start, only the gateway connects to it (127.0.0.1, trust auth for user postgres).
 *
 * <p>Running as root: zonky's Linux builds of initdb/postgres (14.22.0) run as root, although
 * initdb prints "files ... will be owned by user nobody" (measured here: the postgres process and
 * the files belong to root, and a data directory under the mode-700 {@code /root} works; the test
 * {@code EmbeddedPostgresGatewayTest} checks exactly that). Should other binaries drop to an
 * unprivileged user, start fails with a message naming the directory and the fix.
 *
 * <p>Crash safety: the gateway holds {@code <data dir>/gateway.lock} (an OS file lock, released
 * even by {@code kill -9}) while the cluster is its own; a second gateway on the folder is refused.
 * With the lock held, what a killed gateway left is cleared first ({@link StalePostmaster}).
 * PostgreSQL's own output goes to {@code <data dir>/postgres.log}, and a failed start names the
 * server's own error from it rather than a guess.
 */
final class EmbeddedPostgresStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStore.class);

    static final String LOCK_FILE = "gateway.lock";
    static final String LOG_FILE = "postgres.log";
    /** How long a postgres left by a killed gateway gets for each of its two shutdown modes. */
    static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(15);

    private final EmbeddedPostgres postgres;
    private final Path directory;
    private final FileChannel lockChannel;

    private EmbeddedPostgresStore(EmbeddedPostgres postgres, Path directory, FileChannel lockChannel) {
        this.postgres = postgres;
        this.directory = directory;
        this.lockChannel = lockChannel;
    }

    static EmbeddedPostgresStore start(Path dataDir) {
        Path pgDir = dataDir.resolve("pg");
        boolean existed = Files.isRegularFile(pgDir.resolve("PG_VERSION"));
        FileChannel lock = null;
        long logStart = 0;
        try {
            Files.createDirectories(dataDir);
            lock = lockFolder(dataDir, pgDir);
            StalePostmaster.clear(pgDir, ORPHAN_STOP_WAIT);
            Path logFile = dataDir.resolve(LOG_FILE);
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's defaults are for throwaway test databases (-F = fsync off, synchronous_commit
                    // off); this cluster keeps the gateway's data, so a crash must not lose or corrupt it.
                    // A later -c wins over -F on the postgres command line.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            log.info("storage: embedded PostgreSQL in {} ({}), port {}; set POSTGRES_DB_URI to use your own server",
                    pgDir, existed ? "existing data" : "new cluster", pg.getPort());
            return new EmbeddedPostgresStore(pg, pgDir, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            if (e instanceof StoreException se) {
                throw se;
            }
            String cause = serverError(dataDir.resolve(LOG_FILE), logStart).orElse(Causes.message(e));
            boolean permissions = cause.toLowerCase(java.util.Locale.ROOT).contains("permission denied");
            throw new StoreException("starting the embedded PostgreSQL in " + pgDir + " failed: " + cause
                    + (permissions ? " (check that the directory is writable by this user"
                            + (isRoot() ? " and reachable by user 'nobody' if the binaries drop privileges" : "") + ")" : "")
                    + "; PostgreSQL's log is " + dataDir.resolve(LOG_FILE)
                    + " (or set HOOP_DATA_DIR to another directory, or POSTGRES_DB_URI to an external PostgreSQL)", e);
        }
    }

    /** The folder is this gateway's until it exits, however it exits (the OS drops the lock). */
    private static FileChannel lockFolder(Path dataDir, Path pgDir) throws IOException {
        FileChannel ch = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = ch.tryLock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (held == null) {
            ch.close();
            throw new StoreException("the embedded PostgreSQL in " + pgDir + " is in use by another gateway "
                    + "(stop it, or give this one its own HOOP_DATA_DIR)");
        }
        return ch;
    }

    /** The server's own FATAL/PANIC/ERROR line written since {@code from}, the cause a failed start should name. */
    static java.util.Optional<String> serverError(Path logFile, long from) {
        try {
            if (!Files.exists(logFile) || Files.size(logFile) <= from) {
                return java.util.Optional.empty();
            }
            byte[] all = Files.readAllBytes(logFile);
            List<String> lines = new String(all, (int) from, all.length - (int) from, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            for (String level : List.of("FATAL:", "PANIC:", "ERROR:")) {
                for (String line : lines) {
                    int at = line.indexOf(level);
                    if (at >= 0) {
                        return java.util.Optional.of(line.substring(at).trim());
                    }
                }
            }
            return java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // releasing the lock on a failed start; the process exit releases it anyway
            }
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
            log.info("storage: embedded PostgreSQL in {} stopped", directory);
        } catch (IOException e) {
            log.warn("storage: stopping the embedded PostgreSQL in {} failed: {}", directory, e.toString());
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

}
