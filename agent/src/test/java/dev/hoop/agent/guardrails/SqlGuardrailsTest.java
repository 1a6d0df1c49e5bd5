package dev.hoop.agent.guardrails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hoop.common.guardrails.GuardrailRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlGuardrailsTest {
    /** Every SQL rule but read-only. */
    private static final SqlGuardrails WRITE = new SqlGuardrails(GuardrailRules.parse(List.of("drop", "truncate",
            "delete-without-where", "update-without-where", "alter-password", "grant", "deny-table:payroll",
            "deny-function:pg_terminate_backend")));
    private static final SqlGuardrails READ_ONLY = new SqlGuardrails(GuardrailRules.parse(List.of("read-only")));

    private static String verdict(SqlGuardrails g, String sql) {
        Block b = g.checkScript(sql.getBytes(StandardCharsets.UTF_8));
        return b == null ? "pass" : b.rule();
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("writeRows")
    void writeRules(String sql, String expected) {
        assertEquals(expected, verdict(WRITE, sql));
    }

    static Stream<Arguments> writeRows() {
        return rows("""
            DROP TABLE t                                                   | drop
            drop   table if exists "T" cascade                             | drop
            /* hi */ DrOp -- x\\n TABLE t                                   | drop
            DROP FUNCTION f                                                | drop
            TRUNCATE t                                                     | truncate
            truncate only t, u                                             | truncate
            DELETE FROM t                                                  | delete-without-where
            DELETE FROM t WHERE id = 1                                     | pass
            delete from t where true                                       | pass
            UPDATE t SET a = 1                                             | update-without-where
            UPDATE t SET a = (SELECT x FROM y WHERE z) RETURNING *         | update-without-where
            UPDATE t SET a = 1 WHERE id = $1                               | pass
            WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d          | delete-without-where
            WITH d AS (DELETE FROM t WHERE id = 2 RETURNING *) SELECT * FROM d | pass
            WITH x AS (SELECT 1) DELETE FROM t                             | delete-without-where
            WITH x AS (SELECT 1) DELETE FROM t WHERE id IN (SELECT * FROM x) | pass
            SELECT * FROM a WHERE id IN (WITH d AS (UPDATE t SET a = 1 RETURNING id) SELECT id FROM d) | update-without-where
            EXPLAIN ANALYZE DELETE FROM t                                  | delete-without-where
            EXPLAIN (ANALYZE, BUFFERS) DROP TABLE t                        | drop
            EXPLAIN SELECT 1                                               | pass
            PREPARE p (int) AS DELETE FROM t                               | delete-without-where
            PREPARE p AS SELECT 1                                          | pass
            GRANT ALL ON t TO bob                                          | grant
            grant admin to bob                                             | grant
            ALTER USER bob PASSWORD 'x'                                    | alter-password
            alter role "bob" with login password 'y'                       | alter-password
            SELECT * FROM payroll                                          | deny-table:payroll
            select * from public."PAYROLL"                                 | deny-table:payroll
            SELECT 1 FROM t JOIN Payroll p ON true                         | deny-table:payroll
            SELECT pg_terminate_backend(123)                               | deny-function:pg_terminate_backend
            select pg_catalog.PG_TERMINATE_BACKEND (1)                     | deny-function:pg_terminate_backend
            select "pg_terminate_backend"(1)                               | deny-function:pg_terminate_backend
            DO $$BEGIN DROP TABLE t; END$$                                 | drop
            DO $x$ BEGIN EXECUTE 'DROP TABLE ' || 't'; END $x$             | drop
            do 'begin delete from t; end'                                  | delete-without-where
            DO $$BEGIN DELETE FROM t WHERE id = 1; END$$                   | pass
            CREATE FUNCTION f() RETURNS void AS $$ TRUNCATE t $$ LANGUAGE sql | truncate
            SELECT 'drop table t'                                          | drop
            SELECT 'drop'                                                  | pass
            SELECT 'please update your profile'                            | pass
            DO $$BEGIN EXECUTE 'DELETE FROM ' || 't'; END$$                | delete-without-where
            DO $b$ BEGIN EXECUTE 'TRUNCATE ' || 't'; END $b$               | truncate
            DO $b$ BEGIN EXECUTE 'DROP ' || 'TABLE t'; END $b$             | drop
            DO $b$ BEGIN RAISE NOTICE 'done'; END $b$                      | pass
            DO $$BEGIN EXECUTE format('UPDATE %I SET a = 1', 't'); END$$   | update-without-where
            SELECT * FROM t WHERE note = 'truncated'                       | pass
            SELECT 1; DROP TABLE t                                         | drop
            SELECT 1; SELECT 2                                             | pass
            INSERT INTO t VALUES (1)                                       | pass
            CREATE TABLE x (id int)                                        | pass
            VACUUM t                                                       | pass
            COPY (DELETE FROM t RETURNING *) TO STDOUT                     | delete-without-where
            """);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("readOnlyRows")
    void readOnly(String sql, String expected) {
        assertEquals(expected, verdict(READ_ONLY, sql));
    }

    static Stream<Arguments> readOnlyRows() {
        return rows("""
            SELECT 1                                                       | pass
            select * from t where a >= 1 and b <> 2 and c::int = 3 and d->>'k' = 'v' | pass
            SELECT * FROM t WHERE id = $1                                  | pass
            (SELECT 1) UNION (SELECT 2)                                    | pass
            WITH x AS (SELECT 1) SELECT * FROM x                           | pass
            SHOW search_path                                               | pass
            EXPLAIN SELECT * FROM t                                        | pass
            VALUES (1), (2)                                                | pass
            BEGIN                                                          | pass
            COMMIT                                                         | pass
            ROLLBACK                                                       | pass
            SELECT * FROM t FOR UPDATE                                     | pass
            SELECT 'update me'                                             | pass
            INSERT INTO t VALUES (1)                                       | read-only
            UPDATE t SET a = 1 WHERE id = 1                                | read-only
            DELETE FROM t WHERE id = 1                                     | read-only
            DROP TABLE t                                                   | read-only
            CREATE TABLE x (id int)                                        | read-only
            SELECT * INTO x FROM t                                         | read-only
            WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM d | read-only
            EXPLAIN ANALYZE DELETE FROM t WHERE id = 1                     | read-only
            SELECT pg_terminate_backend(1)                                 | read-only
            SELECT set_config('default_transaction_read_only', 'off', false) | read-only
            SELECT nextval('s')                                            | read-only
            select query_to_xml('delete from t', true, false, '')          | read-only
            SET ROLE postgres                                              | read-only
            set local role postgres                                        | read-only
            SET SESSION AUTHORIZATION postgres                             | read-only
            SET session_replication_role = replica                         | read-only
            SET extra_float_digits = 3                                     | pass
            SET application_name = 'x'                                     | pass
            RESET ALL                                                      | pass
            DISCARD ALL                                                    | pass
            DO $$BEGIN PERFORM 1; END$$                                    | read-only
            COPY t FROM STDIN                                              | read-only
            VACUUM t                                                       | read-only
            CALL p()                                                       | read-only
            SELECT 1; INSERT INTO t VALUES (1)                             | read-only
            LOCK TABLE t                                                   | read-only
            """);
    }

    /** Rows "SQL | expected", SQL with \\n for a line break. */
    private static Stream<Arguments> rows(String table) {
        return table.lines().filter(l -> !l.isBlank()).map(l -> {
            int bar = l.lastIndexOf('|');
            return Arguments.of(l.substring(0, bar).strip().replace("\\n", "\n"), l.substring(bar + 1).strip());
        });
    }

    @Test
    void withoutRulesNothingIsChecked() {
        SqlGuardrails none = new SqlGuardrails(GuardrailRules.NONE);
        assertEquals(false, none.active());
        assertNull(none.checkScript("DROP TABLE t".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void blockNamesTheRule() {
        Block b = WRITE.checkScript("DROP TABLE t".getBytes(StandardCharsets.UTF_8));
        assertEquals("blocked by guardrail 'drop': DROP statements are not allowed on this connection", b.describe());
    }

    @Test
    void deeplyNestedStatementDoesNotBreakTheParser() {
        String sql = "SELECT " + "(".repeat(20_000) + "1" + ")".repeat(20_000);
        assertEquals("pass", verdict(WRITE, sql)); // unreadable, nothing denied: passes
        assertEquals("read-only", verdict(READ_ONLY, sql)); // unreadable on read-only: blocked
    }

    @Test
    void oversizedBodyIsRefused() {
        String sql = "DO $$BEGIN " + "PERFORM 1; ".repeat(7_000) + "END$$";
        assertEquals("size", verdict(WRITE, sql));
    }

    @Test
    void manyVerbsInOneBodyAreBounded() {
        String sql = "DO $$BEGIN " + "INSERT INTO t VALUES (1); ".repeat(300) + "END$$";
        assertEquals("size", verdict(WRITE, sql));
    }
}
