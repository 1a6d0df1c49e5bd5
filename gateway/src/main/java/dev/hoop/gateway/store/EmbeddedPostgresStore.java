package dev.hoop.gateway.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
final class EmbeddedPostgresStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresStore.class);

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedPostgresStore(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    static EmbeddedPostgresStore start(Path dataDir) {
        Path pgDir = dataDir.resolve("pg");
        boolean existed = Files.isRegularFile(pgDir.resolve("PG_VERSION"));
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky's defaults are for throwaway test databases (-F = fsync off, synchronous_commit
                    // off); this cluster keeps the gateway's data, so a crash must not lose or corrupt it.
                    // A later -c wins over -F on the postgres command line.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            log.info("storage: embedded PostgreSQL in {} ({}), port {}; set POSTGRES_DB_URI to use your own server",
                    pgDir, existed ? "existing data" : "new cluster", pg.getPort());
            return new EmbeddedPostgresStore(pg, pgDir);
        } catch (IOException | RuntimeException e) {
            if (rootCause(e).startsWith("could not lock")) {
                throw new StoreException("the embedded PostgreSQL in " + pgDir + " is in use by another gateway "
                        + "(stop it, or give this one its own HOOP_DATA_DIR)", e);
            }
            throw new StoreException("starting the embedded PostgreSQL in " + pgDir + " failed: " + rootCause(e)
                    + " (check that the directory is writable by this user"
                    + (isRoot() ? " and reachable by user 'nobody' if the binaries drop privileges" : "")
                    + ", or set HOOP_DATA_DIR to another directory, or POSTGRES_DB_URI to an external PostgreSQL)", e);
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
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
