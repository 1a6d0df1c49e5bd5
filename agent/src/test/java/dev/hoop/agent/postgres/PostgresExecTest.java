package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.exec.CollectedOutput;
import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hoop exec} on a postgres connection against the real server: the agent's output compared
 * with what the real {@code psql -X -c SCRIPT} prints for the same script (stdout, stderr and exit
 * code), and the refusals that never reach the server.
 */
class PostgresExecTest {
    private static SharedServer server;
    private static EventLoopGroup group;
    private static PostgresHandlers handlers;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
        handlers = new PostgresHandlers(group);
        SharedServer.execute(server.database, """
                create table people (id int primary key, name text, score numeric, note text);
                insert into people values (1, 'Ada', 12.5, null), (2, 'Grace Brewster Murray Hopper', -3, 'two
                lines'), (3, 'Zoë 日本語', 1000000.125, E'tab\\there'), (4, NULL, NULL, '');
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        group.shutdownGracefully().syncUninterruptibly();
        server.close();
    }

    record Run(String stdout, String stderr, int exit) {
    }

    private static Run exec(ConnectionParams params, String script) throws Exception {
        CollectedOutput out = new CollectedOutput();
        handlers.runSql(params, script.getBytes(StandardCharsets.UTF_8), out);
        int exit = out.awaitExit();
        return new Run(out.text("out"), out.text("err"), exit);
    }

    private static Run psql(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-w", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres",
                "-d", server.database, "-c", script);
        pb.environment().remove("PGPASSWORD");
        Path out = Files.createTempFile("psql", ".out");
        Path err = Files.createTempFile("psql", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("psql did not finish: " + script);
            }
            return new Run(Files.readString(out), Files.readString(err), p.exitValue());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select 1",
        "select * from people order by id",
        "select id, name, score, note, id * 1.5 as f, id::bigint as b, id::real as r from people order by id desc",
        "select name as \"a much longer header than any value\", id from people where id < 3 order by id",
        "select 'x' as \"two\nline header\", 1 as n",
        "select * from people where false",
        "select from people",
        "select null as nothing, '' as empty",
        "select 'é' as e, 'e\u0301' as combining, '日本' as wide, '👍' as emoji",
        "select E'\\x01ctl\\r' as c",
        "select 1 as a; select 2 as b; select 'three' as c",
        "create temp table t (i int); insert into t values (1), (2); insert into t values (3) returning i * 10 as ten;"
                + " update t set i = i + 1; delete from t where i > 2; select * from t",
        "begin; select 1; commit",
        "select 1/0",
        "select 1 as ok; select 1/0; select 2",
        "selec 1",
        "select 1;\n  select missing_column\n  from people",
        "insert into people values (1, 'dup', 0, null)",
        "do $$ begin raise notice 'hello %', 42; raise warning 'careful'; end $$",
        "do $$ begin raise exception 'boom' using detail = 'the detail', hint = 'the hint'; end $$",
        "copy (select id, name from people order by id) to stdout with csv",
        "show server_version_num",
        "set search_path = public; reset search_path",
        "",
        "-- only a comment",
    })
    void printsWhatPsqlPrints(String script) throws Exception {
        Run expected = psql(script);
        Run actual = exec(server.params(), script);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void stopsAtTheFirstErrorWithExitOneAndRunsNothingAfterIt() throws Exception {
        Run r = exec(server.params(), "create table after_error (i int);\nselect 1/0;\ninsert into after_error values (1);");
        assertThat(r).isEqualTo(new Run("CREATE TABLE\n", "ERROR:  division by zero\n", 1));
        try (Connection c = server.direct(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select to_regclass('after_error') is null")) {
            rs.next();
            // One Query is one implicit transaction: the failed script left nothing behind.
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void copyFromStdinIsRefusedByTheServerWithTheReason() throws Exception {
        Run r = exec(server.params(), "create temp table c (i int); copy c from stdin;");
        assertThat(r).isEqualTo(new Run("CREATE TABLE\n", "ERROR:  COPY from stdin failed: " + ScriptRunner.COPY_IN_REFUSED + "\n"
                + "CONTEXT:  COPY c, line 1\n", 1));
    }

    /** A listener that records whether anyone connected: refused scripts must not reach any server. */
    private static final class Untouched implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0);
        final AtomicInteger accepted = new AtomicInteger();

        Untouched() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        socket.accept().close();
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        ConnectionParams params() {
            return new ConnectionParams("pg", "postgres", null, Map.of("HOST", "127.0.0.1", "PORT",
                    String.valueOf(socket.getLocalPort()), "USER", "postgres", "PASS", "s3cret-pw", "DB", "x"));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\\! id|1|\\!",
        "select 1;\n  \\! printenv PGPASSWORD|2|\\!",
        "\\d people|1|\\d",
        "select 1;\n\\gexec|2|\\gexec",
        "select 1;\r\n\t\\! id|2|\\!",
        "\\copy people to '/tmp/x'|1|\\copy",
    })
    void psqlMetaCommandsAreRefusedByNameAndNothingReachesTheServer(String testCase) throws Exception {
        String[] parts = testCase.split("\\|");
        try (Untouched target = new Untouched()) {
            Run r = exec(target.params(), parts[0]);
            assertThat(r).isEqualTo(new Run("", "hoop: line " + parts[1] + ": psql meta-command '" + parts[2]
                    + "' refused: hoop exec runs the script as SQL on the agent's own connection, without psql; only SQL"
                    + " statements are accepted (use 'hoop connect' and psql on your machine for meta-commands)\n", 1));
            assertThat(r.toString()).doesNotContain("s3cret-pw");
            assertThat(target.accepted).hasValue(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "alter role postgres password 'stolen'",
        "select 1;\nALTER /* x */ USER postgres WITH PASSWORD 'stolen';",
        "do $$ begin execute 'alter user postgres password ''x'''; end $$",
    })
    void passwordChangesAreRefusedByTheGuardBeforeConnecting(String script) throws Exception {
        try (Untouched target = new Untouched()) {
            Run r = exec(target.params(), script);
            assertThat(r).isEqualTo(new Run("", "ERROR:  changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed"
                    + " through hoop\nHINT:  The connection's credentials are managed by hoop; ask an administrator to"
                    + " change them.\n", 1));
            assertThat(target.accepted).hasValue(0);
        }
    }

    @Test
    void aNulByteIsRefusedSinceTheServerWouldRunOnlyWhatPrecedesIt() throws Exception {
        try (Untouched target = new Untouched()) {
            Run r = exec(target.params(), "select 1;\0alter role postgres password 'x'");
            assertThat(r).isEqualTo(new Run("", "hoop: the script contains a NUL byte at offset 9; SQL text cannot contain one\n", 1));
            assertThat(target.accepted).hasValue(0);
        }
    }

    @Test
    void anUnreachableServerExitsTwoWithTheReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> envs = new HashMap<>(server.params().envs());
        envs.put("PORT", String.valueOf(port));
        Run r = exec(new ConnectionParams("pg", "postgres", null, envs), "select 1");
        assertThat(r).isEqualTo(new Run("", "hoop: connection to the database server at 127.0.0.1:" + port
                + " failed: FATAL:  could not connect to the database server at 127.0.0.1:" + port
                + ": connection refused\nHINT:  Check that the server is running and reachable from the agent.\n", 2));
    }

    @Test
    void theServersRefusalExitsTwoWithItsText() throws Exception {
        Map<String, String> envs = new HashMap<>(server.params().envs());
        envs.put("DB", "no_such_database_" + server.database);
        Run r = exec(new ConnectionParams("pg", "postgres", null, envs), "select 1");
        assertThat(r).isEqualTo(new Run("", "hoop: connection to the database server at 127.0.0.1:5432 failed: FATAL:  database \"no_such_database_"
                + server.database + "\" does not exist\n", 2));
    }

    @Test
    void aMisconfiguredConnectionExitsTwoNamingTheSetting() throws Exception {
        Run r = exec(new ConnectionParams("pg", "postgres", null, Map.of("USER", "postgres")), "select 1");
        assertThat(r).isEqualTo(new Run("", "hoop: connection 'pg' is misconfigured: HOST: missing (expected: set in the"
                + " connection's secrets)\n", 2));
    }

    /**
     * A million rows stream through an output that takes one chunk at a time: while the agent waits for
     * the transport, the server backend waits to write (ClientWrite), so the result is never held whole.
     */
    @Test
    void aLargeResultStreamsWithBackpressure() throws Exception {
        GatedOutput out = new GatedOutput();
        handlers.runSql(server.params(), "select g as n, 'row ' || g as label from generate_series(1, 1000000) g"
                .getBytes(StandardCharsets.UTF_8), out);
        CompletableFuture<Void> first = out.next();
        String waiting = "select count(*) from pg_stat_activity where application_name = 'hoop-exec'"
                + " and datname = '" + server.database + "' and wait_event = 'ClientWrite'";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = server.direct(); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery(waiting)) {
                    rs.next();
                    if (rs.getInt(1) == 1) {
                        break;
                    }
                }
                assertThat(System.nanoTime()).as("the backend never waited for the agent to read").isLessThan(deadline);
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
        assertThat(out.bytes.get()).as("output held back while the transport is busy").isLessThan(1_000_000);
        out.release(first);
        assertThat(out.exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(out.overlapping).hasValue(0);
        assertThat(out.tail.toString()).endsWith(" 1000000 | row 1000000\n(1000000 rows)\n\n");
        assertThat(out.lines.get()).isEqualTo(1_000_000 + 4);
    }

    /** Takes one chunk at a time; the first is held until the test releases it, the rest at once. */
    private static final class GatedOutput implements ProcessOutput {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong lines = new AtomicLong();
        final AtomicInteger overlapping = new AtomicInteger();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final StringBuilder tail = new StringBuilder();
        private final CompletableFuture<CompletableFuture<Void>> firstChunk = new CompletableFuture<>();
        private volatile CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);
        private volatile boolean released;

        CompletableFuture<Void> next() throws Exception {
            return firstChunk.get(20, TimeUnit.SECONDS);
        }

        void release(CompletableFuture<Void> f) {
            released = true;
            f.complete(null);
        }

        @Override
        public synchronized CompletionStage<Void> stdout(byte[] chunk) {
            if (!pending.isDone()) {
                overlapping.incrementAndGet();
            }
            bytes.addAndGet(chunk.length);
            for (byte b : chunk) {
                if (b == '\n') {
                    lines.incrementAndGet();
                }
            }
            tail.append(new String(chunk, StandardCharsets.UTF_8));
            if (tail.length() > 200) {
                tail.delete(0, tail.length() - 200);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending = f;
            if (!firstChunk.complete(f) && released) {
                f.complete(null);
            }
            return f;
        }

        @Override
        public CompletionStage<Void> stderr(byte[] chunk) {
            throw new AssertionError("unexpected stderr: " + new String(chunk, StandardCharsets.UTF_8));
        }

        @Override
        public void exited(int exitCode) {
            exit.complete(exitCode);
        }
    }
}
