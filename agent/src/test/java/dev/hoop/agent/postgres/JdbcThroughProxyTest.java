package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

/** pgjdbc (extended protocol, cancel, pipelined batches) through the proxy to the shared server. */
class JdbcThroughProxyTest {
    private static final String REFUSED = "changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed through hoop";

    private static SharedServer server;
    private static EventLoopGroup group;
    private static TunnelHarness tunnel;
    private static String role;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
        tunnel = new TunnelHarness(new PostgresHandlers(group), server.params());
        role = "pgwire_role_" + server.database.substring(7);
        SharedServer.execute(server.database, "CREATE ROLE " + role);
        SharedServer.execute(server.database, "CREATE TABLE batch_t (v int)");
    }

    @AfterAll
    static void stop() throws Exception {
        tunnel.close();
        group.shutdownGracefully().syncUninterruptibly();
        SharedServer.execute(server.database, "DROP ROLE " + role);
        server.close();
    }

    private static Connection connect(String mode) throws SQLException {
        // The password is never asked for: the agent authenticates with the stored one.
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + tunnel.port() + "/whatever?user=anyone"
                + "&prepareThreshold=1&preferQueryMode=" + mode);
    }

    @Test
    void preparedStatementsWithTextAndBinaryParameters() throws Exception {
        try (Connection c = connect("extended");
             PreparedStatement ps = c.prepareStatement("select ?::int * 2, ?::text || current_user, length(?::bytea)")) {
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                ps.setString(2, "u-");
                ps.setBytes(3, new byte[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2 * i);
                    assertThat(rs.getString(2)).isEqualTo("u-postgres");
                    assertThat(rs.getInt(3)).isEqualTo(i);
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    @Test
    void cancelledLongQuery() throws Exception {
        try (Connection c = connect("extended"); Statement s = c.createStatement()) {
            long started = System.nanoTime();
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try {
                    s.execute("select pg_sleep(60) /* pgwire-cancel */");
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            awaitRunning("pg_sleep(60) /* pgwire-cancel */", Duration.ofSeconds(20));
            s.cancel();
            assertThatThrownBy(running::join).cause()
                    .isInstanceOf(PSQLException.class)
                    .hasMessage("ERROR: canceling statement due to user request")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("57014");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            try (ResultSet rs = s.executeQuery("select 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    private static void awaitRunning(String marker, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection direct = server.direct();
             PreparedStatement ps = direct.prepareStatement(
                     "select count(*) from pg_stat_activity where state = 'active' and query like ?")) {
            ps.setString(1, "%" + marker + "%");
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
        throw new AssertionError("query '" + marker + "' not running after " + timeout);
    }

    @ParameterizedTest(name = "{0} protocol")
    @ValueSource(strings = {"simple", "extended"})
    void alterPasswordIsRefusedAndTheConnectionGoesOn(String mode) throws Exception {
        try (Connection c = connect(mode); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER USER " + role + " WITH ENCRYPTED PASSWORD 'stolen'"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("42501");
                        assertThat(e.getServerErrorMessage().getMessage()).isEqualTo(REFUSED);
                        assertThat(e.getServerErrorMessage().getHint())
                                .isEqualTo("The connection's credentials are managed by hoop; ask an administrator to change them.");
                    });
            try (ResultSet rs = s.executeQuery("select rolpassword is null from pg_authid where rolname = '" + role + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0} protocol")
    @ValueSource(strings = {"simple", "extended"})
    void paddedPasswordChangeIsRefusedAndTwentyMegabyteStatementsPass(String mode) throws Exception {
        try (Connection c = connect(mode); Statement s = c.createStatement()) {
            String padding = "/* " + "x".repeat(2_000_000) + " */";
            assertThatThrownBy(() -> s.execute("select 1; " + padding + " alter role " + role + " password 'stolen'"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("42501");
                        assertThat(e.getServerErrorMessage().getMessage()).isEqualTo(REFUSED);
                    });
            // Over the former 16 MiB cap: streamed through, literals cost the guard nothing.
            try (ResultSet rs = s.executeQuery("select length('" + "y".repeat(20_000_000) + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(20_000_000);
            }
            try (ResultSet rs = s.executeQuery("select rolpassword is null from pg_authid where rolname = '" + role + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void refusalInAPipelinedBatchArrivesInOrderAndAbortsTheBatch() throws Exception {
        try (Connection c = connect("extended"); Statement s = c.createStatement()) {
            s.addBatch("insert into batch_t values (1)");
            s.addBatch("alter role " + role + " password 'stolen'");
            s.addBatch("insert into batch_t values (2)");
            assertThatThrownBy(s::executeBatch).isInstanceOfSatisfying(BatchUpdateException.class, e -> {
                // pgjdbc marks every statement of the rolled-back batch as failed.
                assertThat(e.getUpdateCounts()).containsExactly(Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED,
                        Statement.EXECUTE_FAILED);
                assertThat(e.getNextException().getSQLState()).isEqualTo("42501");
            });
            // One Sync closes the batch's implicit transaction: the error rolled the first insert back.
            try (ResultSet rs = s.executeQuery("select count(*) from batch_t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void transactionStateSurvivesARefusal() throws Exception {
        try (Connection c = connect("extended"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("insert into batch_t values (3)");
            assertThatThrownBy(() -> s.execute("alter role " + role + " password 'x'")).hasMessageContaining(REFUSED);
            // As after any error, the transaction is aborted until the client rolls back.
            assertThatThrownBy(() -> s.execute("select 1")).isInstanceOfSatisfying(PSQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
            c.rollback();
            try (ResultSet rs = s.executeQuery("select count(*) from batch_t where v = 3")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
