package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real psql through the proxy to the shared PostgreSQL at 127.0.0.1:5432. */
class PsqlThroughProxyTest {
    private static SharedServer server;
    private static EventLoopGroup group;
    private static TunnelHarness tunnel;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
        tunnel = new TunnelHarness(new PostgresHandlers(group), server.params());
    }

    @AfterAll
    static void stop() throws Exception {
        tunnel.close();
        group.shutdownGracefully().syncUninterruptibly();
        server.close();
    }

    private static Psql.Result psql(String... commands) throws Exception {
        // Whatever user and database the client names, the stored ones are used.
        return Psql.run(tunnel.port(), "anyone", "whatever", commands);
    }

    @Test
    void selectOneRunsAsTheStoredUserOnTheStoredDatabase() throws Exception {
        Psql.Result r = psql("select 1", "select current_user, current_database()");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).isEqualTo("1\npostgres|" + server.database + "\n");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void largeResultIsByteForByteTheDirectResult() throws Exception {
        String query = "select g, md5(g::text), repeat('x', g % 50) from generate_series(1, 100000) g";
        Psql.Result tunneled = psql(query);
        Psql.Result direct = Psql.run(5432, "postgres", server.database, query);
        assertThat(direct.stdout().lines().count()).isEqualTo(100_000);
        assertThat(tunneled.stderr()).isEmpty();
        assertThat(tunneled.stdout().getBytes(StandardCharsets.UTF_8)).isEqualTo(direct.stdout().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void copyInAndOut(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.tsv");
        Path out = dir.resolve("out.tsv");
        Files.writeString(in, IntStream.rangeClosed(1, 20_000).mapToObj(i -> i + "\trow " + i + "\n").collect(Collectors.joining()));
        Psql.Result r = psql("create table copied (id int, label text)",
                "\\copy copied from '" + in + "'",
                "\\copy (select * from copied order by id) to '" + out + "'",
                "select count(*), sum(id) from copied");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).isEqualTo("20000|200010000\n");
        assertThat(Files.readString(out)).isEqualTo(Files.readString(in));
    }

    @Test
    void rolledBackTransactionLeavesNothing() throws Exception {
        Psql.Result r = psql("create table tx_t (v int)",
                "begin; insert into tx_t values (1); rollback;",
                "select count(*) from tx_t");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).isEqualTo("0\n");
    }

    @Test
    void errorQueryShowsTheServerErrorAndTheSessionGoesOn() throws Exception {
        Psql.Result r = psql("select 1/0", "select 2");
        assertThat(r.stderr()).isEqualTo("ERROR:  division by zero\n");
        assertThat(r.stdout()).isEqualTo("2\n");
    }

    @Test
    void alterUserPasswordIsRefusedAndTheSessionGoesOn() throws Exception {
        String role = "pgwire_role_" + server.database.substring(7);
        SharedServer.execute(server.database, "CREATE ROLE " + role);
        try {
            Psql.Result r = psql("ALTER ROLE " + role + " WITH PASSWORD 'stolen'", "alter /* x */ user " + role + " password null",
                    "select rolpassword is null from pg_authid where rolname = '" + role + "'");
            assertThat(r.stderr()).isEqualTo((
                    "ERROR:  changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed through hoop\n"
                            + "HINT:  The connection's credentials are managed by hoop; ask an administrator to change them.\n")
                    .repeat(2));
            assertThat(r.stdout()).isEqualTo("t\n");
        } finally {
            SharedServer.execute(server.database, "DROP ROLE " + role);
        }
    }

    @Test
    void serverEndingTheSessionReachesPsqlAsItsFatalError() throws Exception {
        Psql.Result r = psql("select pg_terminate_backend(pg_backend_pid())");
        assertThat(r.stderr()).startsWith("FATAL:  terminating connection due to administrator command\n");
        assertThat(r.exitCode()).isNotZero();
        assertThat(tunnel.closeReasons).contains("");
    }

    @Test
    void twentyConcurrentConnections() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Psql.Result>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> psql("select " + n + ", count(*) from generate_series(1, 20000)")));
            }
            for (int i = 0; i < 20; i++) {
                Psql.Result r = results.get(i).get();
                assertThat(r.stderr()).isEmpty();
                assertThat(r.stdout()).isEqualTo(i + "|20000\n");
            }
        } finally {
            pool.shutdown();
        }
    }
}
