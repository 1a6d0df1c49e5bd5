package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guardrails end to end: the rules set through the API, psql (simple protocol) and pgjdbc
 * (extended protocol) through {@code hoop connect} → gateway → agent → PostgreSQL, all real. Every
 * row of the matrix runs over both clients; a blocked statement must come back as a PostgreSQL
 * error naming the rule and must not reach the server (the tables are checked unchanged at the
 * end); the block is an event of the session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuardrailsThroughHoopTest {
    static final List<String> WRITE_RULES = List.of("drop", "truncate", "delete-without-where", "update-without-where",
            "alter-password", "grant", "deny-table:payroll", "deny-function:pg_terminate_backend");

    @TempDir
    static Path work;
    HoopStack stack;
    Psql psql;
    int guardedPort;
    int readOnlyPort;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        HoopStack.sql(stack.targetUrl(), "CREATE TABLE t (id int PRIMARY KEY, a int)", "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)",
                "CREATE TABLE payroll (id int)", "INSERT INTO payroll VALUES (1), (2)", "CREATE SEQUENCE s",
                "CREATE FUNCTION noop() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        stack.createPostgresConnection("pg-guarded");
        stack.createPostgresConnection("pg-ro");
        stack.createConnection("shell", "command-line", Map.of(), "bash");
        putRules("pg-guarded", WRITE_RULES, 200);
        putRules("pg-ro", List.of("read-only"), 200);
        putRules("shell", List.of("regex:rm\\s+-rf", "regex:(?i)shutdown"), 200);
        guardedPort = stack.connect("pg-guarded", "connect-guarded");
        readOnlyPort = stack.connect("pg-ro", "connect-ro");
        psql = new Psql(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private HttpResponse<String> putRules(String connection, List<String> rules, int expected) throws Exception {
        HttpResponse<String> r = stack.send("PUT", "/api/guardrails/" + connection, stack.token, Map.of("rules", rules));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return r;
    }

    /** connection | SQL | the rule that blocks it, or "pass". */
    static Stream<Arguments> matrix() {
        return """
                guarded | DROP TABLE t                                                     | drop
                guarded | /* c */ dRoP -- x\\n TABLE "t"                                   | drop
                guarded | drop table if exists nothing_here                                | drop
                guarded | TRUNCATE t                                                       | truncate
                guarded | truncate only t                                                  | truncate
                guarded | DELETE FROM t                                                    | delete-without-where
                guarded | delete from public.t                                             | delete-without-where
                guarded | UPDATE t SET a = 0                                               | update-without-where
                guarded | WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d     | delete-without-where
                guarded | WITH x AS (SELECT 1) UPDATE t SET a = 0                          | update-without-where
                guarded | EXPLAIN ANALYZE DELETE FROM t                                    | delete-without-where
                guarded | EXPLAIN (ANALYZE, COSTS OFF) DROP TABLE t                        | drop
                guarded | PREPARE p1 AS DELETE FROM t                                      | delete-without-where
                guarded | GRANT ALL ON t TO PUBLIC                                         | grant
                guarded | ALTER USER postgres PASSWORD 'stolen'                            | alter-password
                guarded | SELECT * FROM payroll                                            | deny-table:payroll
                guarded | select count(*) from "PAYROLL"                                   | deny-table:payroll
                guarded | SELECT pg_terminate_backend(0)                                   | deny-function:pg_terminate_backend
                guarded | select pg_catalog.PG_TERMINATE_BACKEND(0)                        | deny-function:pg_terminate_backend
                guarded | DO $$BEGIN DROP TABLE t; END$$                                   | drop
                guarded | DO $body$ BEGIN EXECUTE 'TRUNCATE ' || 't'; END $body$           | truncate
                guarded | do 'begin delete from t; end'                                    | delete-without-where
                guarded | SELECT 1; DROP TABLE t                                           | drop
                guarded | SELECT 'drop table t'                                            | drop
                guarded | DELETE FROM t WHERE id = -1                                      | pass
                guarded | UPDATE t SET a = a WHERE id = -1                                 | pass
                guarded | WITH d AS (DELETE FROM t WHERE id = -1 RETURNING *) SELECT count(*) FROM d | pass
                guarded | EXPLAIN ANALYZE DELETE FROM t WHERE id = -1                      | pass
                guarded | SELECT 1; SELECT 2                                               | pass
                guarded | SELECT 'please update your profile'                              | pass
                guarded | VACUUM t                                                         | pass
                ro      | SELECT * FROM t WHERE id = 1                                     | pass
                ro      | SHOW search_path                                                 | pass
                ro      | EXPLAIN SELECT * FROM t                                          | pass
                ro      | WITH x AS (SELECT 1) SELECT * FROM x                             | pass
                ro      | SELECT * FROM payroll                                            | pass
                ro      | INSERT INTO t VALUES (9, 9)                                      | read-only
                ro      | UPDATE t SET a = 0 WHERE id = 1                                  | read-only
                ro      | DELETE FROM t WHERE id = 1                                       | read-only
                ro      | WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM d | read-only
                ro      | EXPLAIN ANALYZE UPDATE t SET a = 0 WHERE id = 1                  | read-only
                ro      | SELECT * INTO t2 FROM t                                          | read-only
                ro      | CREATE TABLE t3 (id int)                                         | read-only
                ro      | SELECT pg_terminate_backend(0)                                   | read-only
                ro      | SELECT set_config('default_transaction_read_only', 'off', false) | read-only
                ro      | SELECT nextval('s')                                              | read-only
                ro      | SET ROLE postgres                                                | read-only
                ro      | SET statement_timeout = '5s'                                     | pass
                ro      | DO $$BEGIN PERFORM 1; END$$                                      | read-only
                ro      | VACUUM t                                                         | read-only
                ro      | SELECT 1; INSERT INTO t VALUES (8, 8)                            | read-only
                """.lines().map(line -> {
            int first = line.indexOf('|');
            int last = line.lastIndexOf('|'); // the SQL may hold || itself
            return Arguments.of(line.substring(0, first).strip(), line.substring(first + 1, last).strip().replace("\\n", "\n"),
                    line.substring(last + 1).strip());
        });
    }

    private int port(String connection) {
        return connection.equals("ro") ? readOnlyPort : guardedPort;
    }

    @ParameterizedTest(name = "[{index}] psql {0}: {1} -> {2}")
    @MethodSource("matrix")
    @Order(1)
    void psqlSimpleProtocol(String connection, String sql, String expected) throws Exception {
        Psql.Result r = psql.run(port(connection), "x", "-c", sql);
        if (expected.equals("pass")) {
            assertThat(r.err()).as(sql).doesNotContain("guardrail");
            assertThat(r.exit()).as(r.err()).isZero();
        } else {
            assertThat(r.exit()).as(sql).isNotZero();
            assertThat(r.err()).as(sql).contains("ERROR:  blocked by guardrail '" + expected + "': ");
        }
    }

    @ParameterizedTest(name = "[{index}] pgjdbc {0}: {1} -> {2}")
    @MethodSource("matrix")
    @Order(2)
    void pgjdbcExtendedProtocol(String connection, String sql, String expected) throws Exception {
        try (Connection c = jdbc(port(connection)); PreparedStatement ps = c.prepareStatement(sql)) {
            if (expected.equals("pass")) {
                ps.execute();
            } else {
                assertThatThrownBy(ps::execute).as(sql).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("42501");
                    assertThat(e.getMessage()).contains("blocked by guardrail '" + expected + "': ");
                });
                // the session goes on: the same connection runs the next statement
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 42")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }
            }
        }
    }

    private static Connection jdbc(int port) throws SQLException {
        // prepareThreshold=1: named server-side statements too; the default query mode is extended
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x?prepareThreshold=1", "anyone", "any");
    }

    @Test
    @Order(3)
    void psqlGoesOnAfterABlockInTheSameSession() throws Exception {
        Psql.Result r = psql.run(guardedPort, "x", "-v", "ON_ERROR_STOP=0", "-c", "drop table t", "-c", "select 40 + 2");
        assertThat(r.err()).contains("ERROR:  blocked by guardrail 'drop': DROP statements are not allowed on this connection");
        assertThat(r.out()).isEqualTo("42\n");
    }

    @Test
    @Order(4)
    void pgjdbcBatchAndPreparedStatementsAreJudgedEach() throws Exception {
        try (Connection c = jdbc(guardedPort)) {
            try (PreparedStatement ok = c.prepareStatement("select a from t where id = ?")) {
                for (int i = 1; i <= 3; i++) { // past prepareThreshold: a named statement, reused
                    ok.setInt(1, i);
                    try (ResultSet rs = ok.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(i * 10);
                    }
                }
            }
            try (Statement batch = c.createStatement()) {
                batch.addBatch("UPDATE t SET a = a WHERE id = 1");
                batch.addBatch("UPDATE t SET a = 0");
                assertThatThrownBy(batch::executeBatch).hasMessageContaining("blocked by guardrail 'update-without-where'");
            }
        }
    }

    @Test
    @Order(5)
    void execOfBlockedSqlExitsOneWithTheRuleAndRunsNothing() throws Exception {
        HoopProcess.Result r = stack.exec("", "exec", "pg-guarded", "-i", "select 1; truncate t");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("blocked by guardrail 'truncate': TRUNCATE is not allowed on this connection");
        HoopProcess.Result ok = stack.exec("", "exec", "pg-ro", "-i", "select count(*) from t");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("3");
        HoopProcess.Result ro = stack.exec("", "exec", "pg-ro", "-i", "insert into t values (7, 7)");
        assertThat(ro.exit()).isEqualTo(1);
        assertThat(ro.err()).contains("blocked by guardrail 'read-only'");
    }

    @Test
    @Order(6)
    void regexRulesStopCommandLineExecs() throws Exception {
        HoopProcess.Result blocked = stack.exec("", "exec", "shell", "-i", "echo start; rm  -rf /tmp/not-there");
        assertThat(blocked.exit()).isEqualTo(1);
        assertThat(blocked.out()).doesNotContain("start");
        assertThat(blocked.err()).contains("blocked by guardrail 'regex:rm\\s+-rf'");
        HoopProcess.Result piped = stack.exec("SHUTDOWN now\n", "exec", "shell");
        assertThat(piped.exit()).isEqualTo(1);
        assertThat(piped.err()).contains("blocked by guardrail 'regex:(?i)shutdown'");
        HoopProcess.Result ok = stack.exec("", "exec", "shell", "-i", "echo fine");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("fine\n");
    }

    @Test
    @Order(7)
    void badRulesAreRefusedAtTheApiAndTheCli() throws Exception {
        HttpResponse<String> unknown = putRules("pg-guarded", List.of("drop", "drop-everything"), 400);
        assertThat(unknown.body()).contains("unknown rule 'drop-everything'");
        HttpResponse<String> regex = putRules("shell", List.of("regex:(unclosed"), 400);
        assertThat(regex.body()).contains("'regex:(unclosed' is not a valid regular expression");
        HttpResponse<String> table = putRules("pg-guarded", List.of("deny-table:x; drop"), 400);
        assertThat(table.body()).contains("deny-table:NAME");
        HttpResponse<String> missing = stack.send("PUT", "/api/guardrails/nope", stack.token, Map.of("rules", List.of("drop")));
        assertThat(missing.statusCode()).isEqualTo(404);
        // the rules as they were still hold
        assertThat(stack.get("/api/guardrails/pg-guarded").get("rules").size()).isEqualTo(WRITE_RULES.size());

        HoopProcess.Result set = stack.exec("", "admin", "create", "guardrails", "shell", "regex:rm\\s+-rf", "regex:(?i)shutdown");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("guardrails of connection 'shell': regex:rm\\s+-rf regex:(?i)shutdown");
        HoopProcess.Result bad = stack.exec("", "admin", "create", "guardrails", "shell", "nonsense");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("unknown rule 'nonsense'");
        HoopProcess.Result list = stack.exec("", "admin", "get", "guardrails");
        assertThat(list.out()).contains("pg-guarded").contains("deny-table:payroll").contains("pg-ro").contains("read-only");
    }

    /** Nothing the matrix blocked reached the server. */
    @Test
    @Order(8)
    void theTablesAreAsTheyWere() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.targetUrl(), "postgres", ""); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select count(*), sum(a) from t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getInt(2)).isEqualTo(60);
            }
            try (ResultSet rs = st.executeQuery("select count(*) from payroll")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            try (ResultSet rs = st.executeQuery("select count(*) from pg_class where relname in ('t2', 't3')")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            try (ResultSet rs = st.executeQuery("select has_table_privilege('public', 't', 'select')")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
            }
            try (ResultSet rs = st.executeQuery("select last_value, is_called from s")) {
                rs.next();
                assertThat(rs.getBoolean(2)).isFalse();
            }
        }
    }

    /** Last: ends the connect session; its events (flushed at the end) hold the blocks with their rules. */
    @Test
    @Order(Integer.MAX_VALUE)
    void blocksAreEventsOfTheSession() throws Exception {
        JsonNode page = stack.get("/api/sessions?connection=pg-guarded&verb=connect");
        String sessionId = page.get("data").get(0).get("id").asText();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("connect pg-guarded")) {
                child.destroy();
            }
        }
        HoopStack.await("the connect session is flushed", Duration.ofSeconds(30), () -> {
            try {
                return stack.get("/api/sessions/" + sessionId).get("session").get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode events = stack.get("/api/sessions/" + sessionId).get("events");
        List<String> errors = StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.get("type").asText().equals("e")).map(e -> e.get("data").asText()).toList();
        assertThat(errors).anyMatch(e -> e.contains("blocked by guardrail 'drop': DROP statements are not allowed on this connection"));
        assertThat(errors).anyMatch(e -> e.contains("blocked by guardrail 'deny-table:payroll'"));
        assertThat(errors).anyMatch(e -> e.contains("blocked by guardrail 'update-without-where'"));
        List<String> inputs = StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.get("type").asText().equals("i")).map(e -> e.get("data").asText()).toList();
        assertThat(inputs).contains("DROP TABLE t"); // the attempt itself is recorded as input too
    }
}
