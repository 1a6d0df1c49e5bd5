package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Seeding}, the launcher's door into a new gateway, on the production wiring and the real PostgreSQL. */
class SeedingTest {
    @TempDir
    static Path dataDir;
    static TestPostgres pg;
    static TestGateway gw;
    static Seeding seeding;

    @BeforeAll
    static void start() {
        pg = TestPostgres.create();
        gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", pg.uri())));
        seeding = gw.server.seeding();
    }

    @AfterAll
    static void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    @Test
    void seedsAnAdminWhoLogsInWithThePasswordAndIsAnAdmin() {
        assertThat(seeding.hasNoUsers()).isTrue();
        seeding.createAdmin("first@example.com", "First", "seeded-password");
        assertThat(seeding.hasNoUsers()).isFalse();
        String token = gw.login("first@example.com", "seeded-password");
        TestGateway.Answer me = gw.get("/api/users", token); // admin-only listing
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.raw()).contains("first@example.com").doesNotContain("seeded-password");
    }

    @Test
    void agentKeysAreCheckedAndReissued() {
        assertThat(seeding.agentKeyIs("seed-agent", "anything")).isFalse();
        String first = seeding.issueAgentKey("seed-agent", "standard");
        assertThat(seeding.agentKeyIs("seed-agent", first)).isTrue();
        assertThat(seeding.agentKeyIs("seed-agent", first + "x")).isFalse();
        String second = seeding.issueAgentKey("seed-agent", "standard");
        assertThat(second).isNotEqualTo(first);
        assertThat(seeding.agentKeyIs("seed-agent", first)).isFalse();
        assertThat(seeding.agentKeyIs("seed-agent", second)).isTrue();
    }

    @Test
    void connectionsNeedAnExistingAgent() {
        assertThatThrownBy(() -> seeding.createConnection("c1", "command-line", List.of("bash"), Map.of(), "no-such-agent"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent 'no-such-agent' does not exist (expected: issue its key first)");
        assertThat(seeding.hasConnection("c1")).isFalse();
        seeding.issueAgentKey("conn-agent", "standard");
        seeding.createConnection("c1", "command-line", List.of("bash"), Map.of(), "conn-agent");
        assertThat(seeding.hasConnection("c1")).isTrue();
    }
}
