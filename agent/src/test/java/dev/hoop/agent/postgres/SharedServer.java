package dev.hoop.agent.postgres;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The shared PostgreSQL at 127.0.0.1:5432 (user postgres, trust): each test class gets its own
 * randomly named database, dropped at the end, so parallel engineers do not collide.
 */
final class SharedServer implements AutoCloseable {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/";

    final String database = "pgwire_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    SharedServer() throws SQLException {
        execute("postgres", "CREATE DATABASE " + database);
    }

    Connection direct() throws SQLException {
        return DriverManager.getConnection(URL + database, "postgres", "");
    }

    static void execute(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL + db, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The stored settings a postgres connection would carry for this database. */
    ConnectionParams params() {
        return new ConnectionParams("pg-test", "postgres", null,
                Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "postgres", "PASS", "", "DB", database));
    }

    /** Loops of the process's transport, as the agent's own: its channels only register on those. */
    static EventLoopGroup eventLoops() {
        return EventLoops.newGroup(2, "pg-test");
    }

    @Override
    public void close() throws SQLException {
        execute("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
}
