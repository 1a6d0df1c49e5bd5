package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** healthz answers 503 with the reason when the database really goes away, on both stores. */
class DatabaseOutageTest {
    @TempDir
    Path dataDir;

    @Test
    void externalDatabaseDroppedWhileRunningGives503() {
        TestPostgres pg = TestPostgres.create();
        try (TestGateway gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", pg.uri())))) {
            assertThat(gw.get("/api/healthz", null).status()).isEqualTo(200);
            pg.dropNow(); // terminates the gateway's connections and removes the database
            TestGateway.Answer a = gw.get("/api/healthz", null);
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.json().get("status").asText()).isEqualTo("unavailable");
            assertThat(a.message()).startsWith("database unavailable: ");
            // and it stays so: new connections find no database
            TestGateway.Answer again = gw.get("/api/healthz", null);
            assertThat(again.status()).isEqualTo(503);
            assertThat(again.message()).startsWith("database unavailable: ");
        } finally {
            pg.close();
        }
    }

    @Test
    void embeddedDatabaseStoppedWhileRunningGives503() {
        try (TestGateway gw = TestGateway.start(TestGateway.env(dataDir, Map.of()))) {
            assertThat(gw.get("/api/healthz", null).status()).isEqualTo(200);
            gw.server.database().stopEmbeddedServer();
            TestGateway.Answer a = gw.get("/api/healthz", null);
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.message()).startsWith("database unavailable: ");
        }
    }

    @Test
    void startFailsWithTheReasonWhenNothingListens() {
        // port 1 on loopback: nothing listens there, the connection is refused at once
        var env = TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:1/hoop"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.start(env))
                .hasMessage("opening PostgreSQL 127.0.0.1:1/hoop failed: connection refused");
    }
}
