package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.auth.AgentKeys;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Admin routes for users, agents and connections against the real PostgreSQL, with logs captured. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
    /** Every line logged at DEBUG, from before the start. */
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("GIN_MODE", "debug")
            .captureLogs(org.slf4j.Logger.ROOT_LOGGER_NAME).admin("admin@example.com", "admin-password");
    TestGateway gw;
    String admin;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        admin = fixture.adminToken();
    }

    @Test
    void agentDsnSecretIsNeverStoredOnlyItsHash() throws Exception {
        TestGateway.Answer a = gw.post("/api/agents", admin, Map.of("name", "vault-agent", "mode", "standard"));
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        assertThat(a.json().get("name").asText()).isEqualTo("vault-agent");
        assertThat(a.json().get("mode").asText()).isEqualTo("standard");
        String token = a.json().get("token").asText();
        assertThat(token).matches("grpc://vault-agent:xagt-[A-Za-z0-9_-]{43}@127\\.0\\.0\\.1:" + gw.server.grpcPort() + "\\?mode=standard");
        String secret = AgentDsn.parse(token).secret();

        List<String> row = new ArrayList<>();
        try (var c = gw.server.database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT * FROM agents WHERE name = 'vault-agent'")) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(String.valueOf(rs.getObject(i)));
            }
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes("UTF-8")));
            assertThat(rs.getString("key_hash")).isEqualTo(expected).isEqualTo(AgentKeys.hash(secret));
        }
        assertThat(row).noneMatch(v -> v.contains(secret) || v.contains(secret.substring(5)));

        TestGateway.Answer dup = gw.post("/api/agents", admin, Map.of("name", "vault-agent"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.message()).isEqualTo("agent 'vault-agent' exists already (delete it first to issue a new key)");
        TestGateway.Answer listed = gw.get("/api/agents", admin);
        assertThat(listed.raw()).doesNotContain(secret.substring(5));
        assertThat(listed.json().get(0).get("status").asText()).isEqualTo("DISCONNECTED");
        assertThat(allLogs()).doesNotContain(secret.substring(5));
    }

    @Test
    void connectionSecretValuesNeverAppearInAnswersOrLogs() {
        gw.post("/api/agents", admin, Map.of("name", "db-agent"));
        String value = "pw-" + java.util.UUID.randomUUID();
        String value2 = "pw2-" + java.util.UUID.randomUUID();
        Map<String, Object> body = Map.of("name", "orders-db", "type", "postgres",
                "secret", Map.of("HOST", "10.0.0.5", "USER", "orders", "PASS", value, "DB", "orders"), "agent_name", "db-agent");
        TestGateway.Answer created = gw.post("/api/connections", admin, body);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.json().get("secret_keys").toString()).isEqualTo("[\"DB\",\"HOST\",\"PASS\",\"USER\"]");
        assertThat(created.json().get("agent_name").asText()).isEqualTo("db-agent");
        assertThat(created.json().get("type").asText()).isEqualTo("postgres");
        // no agent process runs here: the list tells the web app so (the e2e web tests see CONNECTED)
        assertThat(created.json().get("agent_status").asText()).isEqualTo("DISCONNECTED");
        // one connection's answer says which rules apply to its users (none here); lists and changes leave them out
        TestGateway.Answer one = gw.get("/api/connections/orders-db", admin);
        assertThat(one.json().get("rules").toString()).isEqualTo("{\"reviewers\":[],\"masking\":null,\"guardrails\":[],\"access_groups\":null}");
        assertThat(created.json().has("rules")).isFalse();
        assertThat(gw.get("/api/connections", admin).json().get(0).has("rules")).isFalse();

        List<TestGateway.Answer> answers = new ArrayList<>();
        answers.add(created);
        answers.add(gw.post("/api/connections", admin, body)); // 409
        answers.add(gw.get("/api/connections", admin));
        answers.add(gw.get("/api/connections/orders-db", admin));
        answers.add(gw.call("PUT", "/api/connections/orders-db", admin, Map.of("type", "postgres", "agent_name", "db-agent",
                "secret", Map.of("PASS", value2))));
        answers.add(gw.call("PUT", "/api/connections/orders-db", admin, Map.of("type", "bogus", "agent_name", "db-agent",
                "secret", Map.of("PASS", value2))));
        answers.add(gw.post("/api/connections", admin, Map.of("name", "bad", "type", "tcp", "secret", Map.of("bad key", value))));
        assertThat(answers.get(1).status()).isEqualTo(409);
        assertThat(answers.get(4).json().get("secret_keys").toString()).isEqualTo("[\"PASS\"]");
        assertThat(answers.get(5).message()).isEqualTo("type 'bogus' is not valid (expected: postgres, tcp, command-line or http)");
        assertThat(answers.get(6).message()).isEqualTo("secret key 'bad key' is not valid (expected: an environment variable name such as HOST)");
        for (TestGateway.Answer a : answers) {
            assertThat(a.raw()).doesNotContain(value).doesNotContain(value2);
        }
        assertThat(allLogs()).isNotEmpty().doesNotContain(value).doesNotContain(value2);
        assertThat(allLogs()).contains("http POST /api/connections -> 201");

        // PUT changes only what it carries: the secrets, type and agent stay
        TestGateway.Answer partial = gw.call("PUT", "/api/connections/orders-db", admin, Map.of("command", List.of("psql", "-A")));
        assertThat(partial.status()).as(partial.raw()).isEqualTo(200);
        assertThat(partial.json().get("command").toString()).isEqualTo("[\"psql\",\"-A\"]");
        assertThat(partial.json().get("type").asText()).isEqualTo("postgres");
        assertThat(partial.json().get("agent_name").asText()).isEqualTo("db-agent");
        assertThat(partial.json().get("secret_keys").toString()).isEqualTo("[\"PASS\"]");
        assertThat(gw.call("DELETE", "/api/connections/orders-db", admin, null).status()).isEqualTo(204);
        assertThat(gw.get("/api/connections/orders-db", admin).status()).isEqualTo(404);
    }

    @Test
    void usersCrudNeverShowsPasswordHashes() {
        TestGateway.Answer created = gw.post("/api/users", admin,
                Map.of("email", "Ana@Example.com", "name", "Ana", "password", "ana-password", "groups", List.of("sre", "dba")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.json().get("groups").toString()).isEqualTo("[\"dba\",\"sre\"]");
        assertThat(created.json().get("status").asText()).isEqualTo("active");
        String id = created.json().get("id").asText();
        assertThat(gw.get("/api/users/" + id, admin).json().get("email").asText()).isEqualTo("Ana@Example.com");
        assertThat(gw.get("/api/users/ana@example.com", admin).json().get("id").asText()).isEqualTo(id);
        TestGateway.Answer updated = gw.call("PUT", "/api/users/" + id, admin, Map.of("name", "Ana B", "groups", List.of("admin")));
        assertThat(updated.json().get("name").asText()).isEqualTo("Ana B");
        assertThat(updated.json().get("groups").toString()).isEqualTo("[\"admin\"]");
        TestGateway.Answer list = gw.get("/api/users", admin);
        assertThat(list.raw()).doesNotContain("argon2").doesNotContain("password");
        assertThat(gw.post("/api/users", admin, Map.of("email", "ana@example.com")).status()).isEqualTo(409);
        assertThat(gw.call("DELETE", "/api/users/" + id, admin, null).status()).isEqualTo(204);
        assertThat(gw.get("/api/users/" + id, admin).status()).isEqualTo(404);
    }

    private String allLogs() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : fixture.logs()) {
            sb.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                sb.append(e.getThrowableProxy().getMessage()).append('\n');
            }
        }
        return sb.toString();
    }
}
