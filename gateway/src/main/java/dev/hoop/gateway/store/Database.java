package dev.hoop.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hoop.common.Causes;
import dev.hoop.common.net.DialFailure;
import dev.hoop.gateway.config.PostgresUri;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's PostgreSQL: an external server from {@code POSTGRES_DB_URI} or the embedded one,
 * a HikariCP pool, and the Flyway migrations of the jar applied at open. Tables live in schema
 * {@value #SCHEMA}, created by the connecting user: the seed's {@code hoopuser} (CREATEROLE, all
 * privileges on its database) may create a schema but, on PostgreSQL 15+, not tables in {@code public}.
 */
public final class Database implements AutoCloseable {
    public static final String SCHEMA = "hoop";
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final EmbeddedPostgresStore embedded;
    private final String description;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    private Database(HikariDataSource pool, EmbeddedPostgresStore embedded, String description) {
        this.pool = pool;
        this.embedded = embedded;
        this.description = description;
    }

    /** Opens the external database and migrates it. */
    public static Database external(PostgresUri uri) {
        String description = uri.host() + ":" + uri.port() + "/" + uri.database();
        log.info("storage: PostgreSQL at {} as user {}", description, uri.user());
        return open(uri.jdbcUrl(), uri.user(), uri.password(), null, description, uri.host());
    }

    /** Starts (or restarts on its kept data) the embedded PostgreSQL under {@code dataDir/pg} and migrates it. */
    public static Database embedded(Path dataDir) {
        EmbeddedPostgresStore pg = EmbeddedPostgresStore.start(dataDir);
        try {
            return open(pg.jdbcUrl(), "postgres", null, pg, "embedded " + pg.directory(), "127.0.0.1");
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private static Database open(String jdbcUrl, String user, String password, EmbeddedPostgresStore embedded, String description,
                                 String host) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setSchema(SCHEMA);
        hc.setPoolName("hoop-db");
        hc.setMaximumPoolSize(10);
        hc.setMinimumIdle(1);
        // Short: a request or a health check must fail fast with a reason, not hang, when the DB is gone.
        hc.setConnectionTimeout(1500);
        hc.setValidationTimeout(1000);
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("connectTimeout", "3");
        hc.addDataSourceProperty("ApplicationName", "hoop-gateway");
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            var result = Flyway.configure()
                    .dataSource(pool)
                    .schemas(SCHEMA)
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info("storage: schema '{}' at version {} ({} migration(s) applied now)", SCHEMA,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion, result.migrationsExecuted);
            return new Database(pool, embedded, description);
        } catch (RuntimeException e) {
            pool.close();
            // "failed: db" (the UnknownHostException's bare message) said nothing: name the dial failure
            throw new StoreException("opening PostgreSQL " + description + " failed: "
                    + DialFailure.reason(e, host).orElseGet(() -> Causes.message(e)), e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** A short label for logs: host:port/db or the embedded directory (no credentials). */
    public String description() {
        return description;
    }

    /**
     * Checks the database answers {@code SELECT 1} within {@code timeout}.
     *
     * @return empty when healthy, else the reason
     */
    public Optional<String> check(Duration timeout) {
        Future<Optional<String>> f = checks.submit(() -> {
            try (Connection c = pool.getConnection(); var st = c.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                st.execute("SELECT 1");
                return Optional.<String>empty();
            } catch (SQLException | RuntimeException e) {
                return Optional.of("database unavailable: " + Causes.message(e));
            }
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return Optional.of("database unavailable: no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Optional.of("database unavailable: " + Causes.message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("database check interrupted");
        }
    }

    /** Stops the embedded PostgreSQL but keeps the pool: a real outage, for tests of the health check. */
    public void stopEmbeddedServer() {
        if (embedded != null) {
            embedded.close();
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }

}
