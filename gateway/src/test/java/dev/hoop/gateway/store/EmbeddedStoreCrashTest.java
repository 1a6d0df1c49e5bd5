package dev.hoop.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store after a crash: a gateway killed with {@code kill -9} (its postgres outlives
 * it, pg_ctl detached it), a postgres killed with {@code kill -9}, a pid file naming an unrelated
 * live process. Each next start works at the first try; a postgres that a live gateway still
 * uses is never touched. The gateway runs in a real child JVM so that it can really be killed.
 */
class EmbeddedStoreCrashTest {
    @TempDir
    Path dataDir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // a postgres the test left (only when an assertion failed midway): stop it
        StalePostmaster.pidOf(dataDir.resolve("pg").resolve(StalePostmaster.PID_FILE)).flatMap(ProcessHandle::of)
                .filter(p -> StalePostmaster.isPostgresOf(p, dataDir.resolve("pg")))
                .ifPresent(p -> {
                    p.destroy();
                    p.onExit().join();
                });
    }

    @Test
    void aKilledGatewaysPostgresIsShutDownAndTheNextStartWorksAtOnce() throws Exception {
        Process gateway = startGatewayStore();
        long postgresPid = postmasterPid();
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
        ProcessHandle orphan = ProcessHandle.of(postgresPid).orElseThrow();
        assertThat(orphan.isAlive()).as("the postgres outlived the killed gateway").isTrue();

        long t0 = System.nanoTime();
        try (EmbeddedPostgresStore store = EmbeddedPostgresStore.start(dataDir)) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(orphan.isAlive()).isFalse();
            assertThat(selectOne(store)).isEqualTo(1);
        }
    }

    @Test
    void aKilledPostgresAndGatewayLeaveNothingThatStopsTheNextStart() throws Exception {
        Process gateway = startGatewayStore();
        long postgresPid = postmasterPid();
        ProcessHandle.of(postgresPid).orElseThrow().destroyForcibly(); // kill -9 the postgres first
        ProcessHandle.of(postgresPid).ifPresent(p -> p.onExit().join());
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(dataDir.resolve("pg").resolve(StalePostmaster.PID_FILE)).exists();

        try (EmbeddedPostgresStore store = EmbeddedPostgresStore.start(dataDir)) {
            assertThat(selectOne(store)).isEqualTo(1);
        }
    }

    @Test
    void aPidFileNamingALiveProcessThatIsNotItsPostgresIsCleared() throws Exception {
        EmbeddedPostgresStore.start(dataDir).close();
        Process unrelated = new ProcessBuilder("sleep", "300").start();
        started.add(unrelated);
        Path pidFile = dataDir.resolve("pg").resolve(StalePostmaster.PID_FILE);
        // what a killed postgres leaves, its pid since reused by another process
        Files.writeString(pidFile, unrelated.pid() + "\n" + dataDir.resolve("pg") + "\n1700000000\n5432\n/tmp\n127.0.0.1\n  5432001  0\nready   \n");

        try (EmbeddedPostgresStore store = EmbeddedPostgresStore.start(dataDir)) {
            assertThat(selectOne(store)).isEqualTo(1);
            assertThat(unrelated.isAlive()).as("the unrelated process is left alone").isTrue();
        }
    }

    @Test
    void aPostgresALiveGatewayUsesIsNeverTouched() throws Exception {
        startGatewayStore();
        Path pidFile = dataDir.resolve("pg").resolve(StalePostmaster.PID_FILE);
        String before = Files.readString(pidFile);
        long postgresPid = postmasterPid();

        assertThatThrownBy(() -> EmbeddedPostgresStore.start(dataDir))
                .isInstanceOf(StoreException.class)
                .hasMessage("the embedded PostgreSQL in " + dataDir.resolve("pg") + " is in use by another gateway "
                        + "(stop it, or give this one its own HOOP_DATA_DIR)");
        assertThat(Files.readString(pidFile)).isEqualTo(before);
        assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive)).contains(true);
    }

    @Test
    void anotherStartFailureNamesPostgresqlsOwnError() throws Exception {
        EmbeddedPostgresStore.start(dataDir).close();
        // a broken configuration file: PostgreSQL says so, not a guess about permissions
        Files.writeString(dataDir.resolve("pg").resolve("postgresql.conf"), "shared_buffers = 'lots'\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> EmbeddedPostgresStore.start(dataDir))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("starting the embedded PostgreSQL in " + dataDir.resolve("pg") + " failed: ")
                .hasMessageContaining("FATAL:  configuration file \"" + dataDir.resolve("pg").resolve("postgresql.conf") + "\" contains errors")
                .hasMessageNotContaining("writable");
    }

    private Process startGatewayStore() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedStoreChild.class.getName(),
                dataDir.toString()).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("ready ")) {
                Thread.ofVirtual().start(() -> drain(out)); // keep reading its output, so that it never blocks on a full pipe
                return p;
            }
        }
        throw new AssertionError("the child gateway store did not start:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discarded
            }
        } catch (java.io.IOException killed) {
            // the child was killed: its output ends here
        }
    }

    private long postmasterPid() throws Exception {
        return StalePostmaster.pidOf(dataDir.resolve("pg").resolve(StalePostmaster.PID_FILE)).orElseThrow();
    }

    private static int selectOne(EmbeddedPostgresStore store) throws Exception {
        try (Connection c = DriverManager.getConnection(store.jdbcUrl(), "postgres", "");
             ResultSet r = c.createStatement().executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }
}
