package dev.hoop.gateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The shared PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth): each test makes its own
 * database with a random name and drops it at the end, since other engineers use the server too.
 */
public final class TestPostgres implements AutoCloseable {
    public static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private final String database;

    private TestPostgres(String database) {
        this.database = database;
    }

    public static TestPostgres create() {
        String name = "hoop_gw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        exec("CREATE DATABASE " + name);
        return new TestPostgres(name);
    }

    public String database() {
        return database;
    }

    /** The seed's form, user postgres without password. */
    public String uri() {
        return "postgres://postgres@127.0.0.1:5432/" + database + "?sslmode=disable";
    }

    public static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", null); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements connected to this test's database as postgres. */
    public void execHere(String... sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", null);
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    /** Drops the database while the gateway is connected: a real outage. */
    public void dropNow() {
        exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Override
    public void close() {
        dropNow();
    }
}
