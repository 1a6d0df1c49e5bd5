package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's SQL (a database and a CREATEROLE user with all privileges on it) is enough: on
 * PostgreSQL 15 that user may not create tables in {@code public}, so the gateway keeps its tables
 * in its own schema. The password has special characters, URL-encoded as the seed says.
 */
class SeedRoleTest {
    @TempDir
    Path dataDir;

    @Test
    void gatewayRunsWithTheSeedsHoopuser() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String db = "hoopdb_" + suffix;
        String user = "hoopuser_" + suffix;
        String password = "p@ss:w/rd%";
        TestPostgres.exec("CREATE DATABASE " + db);
        try {
            TestPostgres.exec("CREATE USER " + user + " WITH ENCRYPTED PASSWORD 'p@ss:w/rd%' CREATEROLE");
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", null);
                 var st = c.createStatement()) {
                st.execute("GRANT ALL PRIVILEGES ON DATABASE " + db + " TO " + user);
                st.execute("GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO " + user);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            String uri = "postgres://" + user + ":" + "p%40ss%3Aw%2Frd%25" + "@127.0.0.1:5432/" + db;
            try (TestGateway gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", uri)))) {
                assertThat(gw.get("/api/healthz", null).status()).isEqualTo(200);
                String token = gw.registerAdmin("root@example.com", "long-enough");
                assertThat(gw.get("/api/userinfo", token).json().get("is_admin").asBoolean()).isTrue();
            }
            assertThat(password).hasSize(10);
        } finally {
            TestPostgres.exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            TestPostgres.exec("DROP ROLE IF EXISTS " + user);
        }
    }
}
