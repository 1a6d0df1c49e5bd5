package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PostgreSQL clients (psql, pgjdbc, pgbench) through {@code hoop connect} → gateway → agent →
 * PostgreSQL at 127.0.0.1:5432, all real processes; then the sessions' recorded statements in the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresThroughHoopTest {
    /** What one answer of GET /api/sessions/{id} holds when no events_limit is asked. */
    static final int LIVE_DEFAULT_EVENTS_LIMIT = 1000;
    @TempDir
    static Path work;
    HoopStack stack;
    Psql psql;
    int port;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createPostgresConnection("pg");
        port = stack.connect("pg", "connect-pg");
        psql = new Psql(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void selectOneSeesTheStoredUserAndDatabase() throws Exception {
        Psql.Result r = psql.run(port, "whatever", "-c", "select 1, current_user, current_database()");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("1|postgres|" + stack.targetDb + "\n");
    }

    @Test
    void aLargeResultIsByteForByteTheDirectOne() throws Exception {
        String query = "select g, md5(g::text), repeat('x', g % 50) from generate_series(1, 100000) g";
        Psql.Result tunnel = psql.run(port, "x", "-c", query);
        Psql.Result direct = psql.runAs("postgres", 5432, stack.targetDb, "-c", query);
        assertThat(direct.exit()).isZero();
        assertThat(tunnel.exit()).as(tunnel.err()).isZero();
        assertThat(tunnel.out().length()).isGreaterThan(4_000_000);
        assertThat(tunnel.out()).isEqualTo(direct.out());
    }

    @Test
    void copyInAndOutAndARolledBackTransaction() throws Exception {
        Path csv = work.resolve("in.csv");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            rows.append(i).append(",name ").append(i).append('\n');
        }
        Files.writeString(csv, rows);
        assertThat(psql.run(port, "x", "-c", "create table copied (id int, name text)").exit()).isZero();
        Psql.Result in = psql.run(port, "x", "-c", "\\copy copied from '" + csv + "' csv");
        assertThat(in.exit()).as(in.err()).isZero();
        Psql.Result out = psql.run(port, "x", "-c", "\\copy (select * from copied order by id) to stdout csv");
        assertThat(out.out()).isEqualTo(rows.toString());

        Psql.Result tx = psql.run(port, "x", "-c", "begin; delete from copied; rollback;");
        assertThat(tx.exit()).as(tx.err()).isZero();
        assertThat(psql.run(port, "x", "-c", "select count(*) from copied").out()).isEqualTo("5000\n");
    }

    @Test
    void anErrorReachesPsqlAsAPostgresError() throws Exception {
        Psql.Result r = psql.run(port, "x", "-c", "select 1/0");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("ERROR:  division by zero");
        Psql.Result pw = psql.run(port, "x", "-c", "alter user postgres password 'stolen'");
        assertThat(pw.err()).contains("ERROR:  changing a password");
    }

    @Test
    void twentyConcurrentConnections() throws Exception {
        List<CompletableFuture<Psql.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return psql.run(port, "x", "-c", "select pg_sleep(0.3), " + n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        for (int i = 0; i < 20; i++) {
            Psql.Result r = runs.get(i).get(60, TimeUnit.SECONDS);
            assertThat(r.out()).as(r.err()).isEqualTo("|" + i + "\n");
        }
    }

    @Test
    void pgjdbcPreparedStatementsAndACancelledQuery() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x?prepareThreshold=1", "anyone", "any")) {
            try (PreparedStatement ps = c.prepareStatement("select ?::int + 1, ?::text")) {
                for (int i = 0; i < 10; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "p" + i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(i + 1);
                        assertThat(rs.getString(2)).isEqualTo("p" + i);
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
                    try {
                        TimeUnit.MILLISECONDS.sleep(700);
                        st.cancel();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> st.executeQuery("select pg_sleep(30)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57014"));
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(20);
                cancel.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void pgbenchRunsWithoutFailedTransactions() throws Exception {
        ProcessBuilder init = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "anyone", "-i", "-q", "-s", "1", "x")
                .redirectErrorStream(true).redirectOutput(work.resolve("pgbench-init.out").toFile());
        init.environment().put("PGPASSWORD", "any");
        Process i = init.start();
        assertThat(i.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(i.exitValue()).as(Files.readString(work.resolve("pgbench-init.out"))).isZero();

        ProcessBuilder run = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "anyone", "-c", "8", "-j", "2", "-T", "10", "x")
                .redirectErrorStream(true).redirectOutput(work.resolve("pgbench.out").toFile());
        run.environment().put("PGPASSWORD", "any");
        Process r = run.start();
        assertThat(r.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(work.resolve("pgbench.out"), StandardCharsets.UTF_8);
        assertThat(r.exitValue()).as(out).isZero();
        assertThat(out).contains("number of failed transactions: 0");
        assertThat(out).containsPattern("number of transactions actually processed: [1-9][0-9]*");
    }

    /** Last: it ends the connect session, whose events reach the database when it ends. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everySessionIsRecordedWithItsStatements() throws Exception {
        String marker = "select 'audit-marker-" + HoopStack.suffix() + "'";
        assertThat(psql.run(port, "x", "-c", marker).exit()).isZero();
        JsonNode page = stack.get("/api/sessions?connection=pg&verb=connect");
        assertThat(page.get("data").size()).isGreaterThanOrEqualTo(1);
        String sessionId = page.get("data").get(0).get("id").asText();
        // the session is still open (hoop connect runs): its file is on disk, not yet in the database
        assertThat(Files.exists(work.resolve("audit").resolve(sessionId + ".wal"))).isTrue();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("connect pg")) {
                child.destroy();
            }
        }
        HoopStack.await("the connect session is flushed", java.time.Duration.ofSeconds(30), () -> {
            try {
                return stack.get("/api/sessions/" + sessionId).get("session").get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
        // pgbench made tens of thousands of events: read them a page at a time (docs/sessions.md#paging)
        List<String> inputs = new ArrayList<>();
        long total = Long.MAX_VALUE;
        for (int offset = 0; offset < total; offset += 10_000) {
            JsonNode events = stack.get("/api/sessions/" + sessionId + "?events_limit=10000&events_offset=" + offset);
            total = events.get("events_total").asLong();
            events.get("events").forEach(e -> {
                if (e.get("type").asText().equals("i")) {
                    inputs.add(e.get("data").asText());
                }
            });
        }
        assertThat(total).isGreaterThan(LIVE_DEFAULT_EVENTS_LIMIT);
        assertThat(inputs).contains(marker, "select 1/0", "select 1, current_user, current_database()");
        assertThat(inputs).anyMatch(s -> s.startsWith("select ?::int + 1, ?::text") || s.startsWith("select $1::int + 1, $2::text"));
    }
}
