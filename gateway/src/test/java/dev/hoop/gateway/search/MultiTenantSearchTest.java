package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With ORG_MULTI_TENANT, each org's admins search their own org's sessions and never find another's. */
class MultiTenantSearchTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("ORG_MULTI_TENANT", "true");

    @Test
    void orgsNeverSeeEachOthersSessions() {
        TestGateway gw = fixture.gw();
        String acme = register(gw, "boss@acme.example", "acme");
        String globex = register(gw, "boss@globex.example", "globex");
        UUID acmeSession = record(gw, acme, "pg-main", "DROP TABLE customers;");
        UUID globexSession = record(gw, globex, "pg-main", "DROP TABLE customers;");

        assertThat(ids(gw, acme, "\"drop table\"")).containsExactly(acmeSession);
        assertThat(ids(gw, globex, "\"drop table\"")).containsExactly(globexSession);
        assertThat(ids(gw, acme, "")).containsExactly(acmeSession);
        assertThat(ids(gw, acme, "id:" + globexSession)).isEmpty();
        assertThat(ids(gw, acme, "user:boss@globex.example")).isEmpty();
        assertThat(ids(gw, globex, "connection:pg-main -id:" + globexSession)).isEmpty();
    }

    private static String register(TestGateway gw, String email, String org) {
        TestGateway.Answer a = gw.post("/api/localauth/register", null, Map.of("email", email, "password", "boss-password", "org", org));
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        return a.json().get("token").asText();
    }

    private static UUID record(TestGateway gw, String token, String conn, String input) {
        var me = gw.get("/api/userinfo", token).json();
        Sessions sessions = new Sessions(gw.server.database().dataSource());
        UUID id = UUID.randomUUID();
        Instant t = Instant.now();
        sessions.opened(id, UUID.fromString(me.get("org_id").asText()), UUID.fromString(me.get("id").asText()), me.get("email").asText(),
                conn, "postgres", "exec", t);
        sessions.store(id, List.of(new AuditEvent(0, AuditEvent.INPUT, input.getBytes(StandardCharsets.UTF_8))));
        sessions.closed(id, 0, null, t.plusSeconds(1));
        gw.server.sessionIndex().index(id);
        return id;
    }

    private static List<UUID> ids(TestGateway gw, String token, String q) {
        TestGateway.Answer r = gw.get("/api/sessions?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<UUID> out = new ArrayList<>();
        r.json().get("data").forEach(n -> out.add(UUID.fromString(n.get("id").asText())));
        return out;
    }
}
