package dev.hoop.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Sealed recordings on a real gateway and PostgreSQL: sessions are flushed through the production
 * sealing store with the gateway's own key (the data folder's), then changed in the database with
 * SQL, and {@code GET /api/sessions/{id}/verify} must say what differs.
 */
class SessionVerificationTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password-1");

    TestGateway gw;
    String admin;
    Sessions sessions;
    SessionSeals seals;
    AuditStore sealing;

    static final List<AuditEvent> EVENTS = List.of(
            new AuditEvent(0, AuditEvent.RESIZE, "{\"rows\":30,\"cols\":100}".getBytes(StandardCharsets.UTF_8)),
            new AuditEvent(5, AuditEvent.INPUT, "ls\r".getBytes(StandardCharsets.UTF_8)),
            new AuditEvent(20, AuditEvent.OUTPUT, "a.txt".getBytes(StandardCharsets.UTF_8)));

    @BeforeEach
    void wire() {
        gw = fixture.gw();
        admin = fixture.adminToken();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        sessions = new Sessions(ds);
        seals = new SessionSeals(ds);
        // the gateway generated its key into the data folder at start: the same key seals here
        sealing = SessionSealer.load(null, fixture.folder().resolve("data")).sealing(sessions::store, seals::put);
    }

    private UUID session(String type, List<AuditEvent> events) throws Exception {
        UUID id = UUID.randomUUID();
        UUID orgId = org();
        sessions.opened(id, orgId, UUID.randomUUID(), "alice@example.com", "sh", type, "connect", Instant.parse("2026-12-01T10:00:00Z"));
        sessions.closed(id, 0, null, Instant.parse("2026-12-01T10:01:00Z"));
        if (events != null) {
            sealing.store(id, events);
        }
        return id;
    }

    private UUID org() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        try (var c = ds.getConnection(); var rs = c.createStatement().executeQuery("SELECT id FROM orgs LIMIT 1")) {
            rs.next();
            return rs.getObject(1, UUID.class);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode verify(UUID id) {
        TestGateway.Answer a = gw.get("/api/sessions/" + id + "/verify", admin);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.json();
    }

    private static List<String> problems(JsonNode v) {
        return java.util.stream.StreamSupport.stream(v.get("problems").spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void thePublicKeyIsTheGatewaysAndNeedsASignedInUser() {
        TestGateway.Answer a = gw.get("/api/audit/publickey", admin);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        SessionSealer key = SessionSealer.load(null, fixture.folder().resolve("data"));
        assertThat(a.json().get("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(Base64.getDecoder().decode(a.json().get("public_key").asText())).isEqualTo(key.publicKey());
        assertThat(a.json().get("pem").asText()).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(a.json().get("fingerprint").asText()).isEqualTo(SessionSealer.fingerprint(key.publicKey())).hasSize(16);
        assertThat(gw.get("/api/audit/publickey", null).status()).isEqualTo(401);
    }

    @Test
    void anUntouchedSessionVerifies() throws Exception {
        UUID id = session("command-line", EVENTS);
        JsonNode v = verify(id);
        assertThat(v.get("valid").asBoolean()).as(v.toString()).isTrue();
        assertThat(problems(v)).isEmpty();
        assertThat(v.get("events").asLong()).isEqualTo(3);
        assertThat(v.get("digest").asText()).hasSize(64);
    }

    @Test
    void oneChangedByteInTheDatabaseIsFoundAndNamed() throws Exception {
        UUID id = session("command-line", EVENTS);
        fixture.postgres().execHere("UPDATE hoop.session_events SET data = overlay(data placing 'b'::bytea from 1 for 1) "
                + "WHERE session_id = '" + id + "' AND seq = 2");
        JsonNode v = verify(id);
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(problems(v)).singleElement().asString()
                .startsWith("event 2 (type o at +20 ms, 5 bytes) differs from what was sealed: sha256 ");
    }

    @Test
    void aChangedOffsetOrTypeIsFoundToo() throws Exception {
        UUID id = session("command-line", EVENTS);
        fixture.postgres().execHere("UPDATE hoop.session_events SET offset_ms = 6000 WHERE session_id = '" + id + "' AND seq = 1");
        assertThat(problems(verify(id))).singleElement().asString().startsWith("event 1 (type i at +6000 ms, 3 bytes) differs");
    }

    @Test
    void aDeletedEventIsFound() throws Exception {
        UUID id = session("command-line", EVENTS);
        fixture.postgres().execHere("DELETE FROM hoop.session_events WHERE session_id = '" + id + "' AND seq = 2");
        assertThat(problems(verify(id))).containsExactly("1 event(s) missing: 3 sealed, 2 stored (from event 2 on)");
    }

    @Test
    void anAddedEventIsFound() throws Exception {
        UUID id = session("command-line", EVENTS);
        fixture.postgres().execHere("INSERT INTO hoop.session_events (session_id, org_id, seq, offset_ms, type, data) "
                + "SELECT session_id, org_id, 3, 30, 'o', 'rm -rf'::bytea FROM hoop.session_events WHERE session_id = '" + id + "' AND seq = 0");
        assertThat(problems(verify(id))).containsExactly("1 event(s) added: 3 sealed, 4 stored (from event 3 on)");
    }

    @Test
    void aResealWithoutTheKeyIsFound() throws Exception {
        UUID id = session("command-line", EVENTS);
        // the attacker changes an event and recomputes the seal's hashes and digest, but cannot sign
        fixture.postgres().execHere("UPDATE hoop.session_events SET data = 'rm -rf /\r'::bytea WHERE session_id = '" + id + "' AND seq = 1");
        List<AuditEvent> forged = List.of(EVENTS.get(0), new AuditEvent(5, AuditEvent.INPUT, "rm -rf /\r".getBytes(StandardCharsets.UTF_8)),
                EVENTS.get(2));
        SessionSeals.Seal attacker = SessionSealer.generate().seal(id, forged);
        SessionSeals.Seal honest = seals.find(org(), id).orElseThrow();
        seals.put(id, new SessionSeals.Seal(attacker.eventCount(), attacker.eventHashes(), attacker.digest(), honest.signature(), honest.publicKey()));
        assertThat(problems(verify(id))).containsExactly(
                "the signature does not match the sealed digest with this gateway's key (the seal was changed or forged)");
        // and a seal signed with the attacker's own key names the other key
        seals.put(id, attacker);
        assertThat(problems(verify(id))).hasSize(2).first().asString().startsWith("sealed with another key (fingerprint ");
    }

    @Test
    void aSessionWithoutSealIsNotValid() throws Exception {
        UUID id = session("command-line", null);
        sessions.store(id, EVENTS); // stored without the sealing store
        JsonNode v = verify(id);
        assertThat(v.get("valid").asBoolean()).isFalse();
        assertThat(problems(v)).singleElement().asString().startsWith("the session has no seal");
    }

    @Test
    void verifyingAnUnknownOrMalformedSessionIs404() {
        assertThat(gw.get("/api/sessions/" + UUID.randomUUID() + "/verify", admin).status()).isEqualTo(404);
        assertThat(gw.get("/api/sessions/not-a-uuid/verify", admin).status()).isEqualTo(404);
        assertThat(gw.get("/api/sessions/" + UUID.randomUUID() + "/verify", null).status()).isEqualTo(401);
    }

    @Test
    void downloadsInEachFormat() throws Exception {
        UUID id = session("command-line", EVENTS);
        TestGateway.Answer cast = gw.get("/api/sessions/" + id + "/download?format=asciicast", admin);
        assertThat(cast.status()).as(cast.raw()).isEqualTo(200);
        assertThat(cast.raw()).isEqualTo("{\"version\":2,\"width\":100,\"height\":30,\"timestamp\":1796119200,"
                + "\"title\":\"connect sh by alice@example.com\"}\n[0.005,\"i\",\"ls\\r\"]\n[0.020,\"o\",\"a.txt\"]\n");
        TestGateway.Answer csv = gw.get("/api/sessions/" + id + "/download?format=csv", admin);
        assertThat(csv.raw()).isEqualTo("offset_ms,type,encoding,data\r\n0,w,utf8,\"{\"\"rows\"\":30,\"\"cols\"\":100}\"\r\n"
                + "5,i,utf8,\"ls\r\"\r\n20,o,utf8,a.txt\r\n");
        TestGateway.Answer jsonl = gw.get("/api/sessions/" + id + "/download?format=jsonl", admin);
        assertThat(jsonl.raw().lines().toList()).containsExactly(
                "{\"offset_ms\":0,\"type\":\"w\",\"data\":\"{\\\"rows\\\":30,\\\"cols\\\":100}\",\"encoding\":\"utf8\",\"connection\":null}",
                "{\"offset_ms\":5,\"type\":\"i\",\"data\":\"ls\\r\",\"encoding\":\"utf8\",\"connection\":null}",
                "{\"offset_ms\":20,\"type\":\"o\",\"data\":\"a.txt\",\"encoding\":\"utf8\",\"connection\":null}");
        TestGateway.Answer timeline = gw.get("/api/sessions/" + id + "/download?format=timeline", admin);
        assertThat(timeline.status()).isEqualTo(400);
        assertThat(timeline.message()).isEqualTo("format 'timeline' is for PostgreSQL sessions, not command-line (expected: text, jsonl, csv or asciicast)");
        TestGateway.Answer bogus = gw.get("/api/sessions/" + id + "/download?format=pdf", admin);
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.message()).isEqualTo("format 'pdf' is not valid (expected: text, jsonl, csv, asciicast, timeline)");
        assertThat(gw.get("/api/sessions/" + id + "/download", admin).raw()).startsWith("session " + id);
    }

    @Test
    void aPostgresTimelineHasEachStatementWithDurationRowsAndError() throws Exception {
        List<AuditEvent> events = List.of(
                new AuditEvent(100, AuditEvent.INPUT, "select 1".getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(103, AuditEvent.RESULT, "{\"statement\":0,\"tag\":\"SELECT 1\",\"rows\":1}".getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(200, AuditEvent.INPUT, "select * from nope".getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(250, AuditEvent.RESULT, "{\"statement\":1,\"error\":\"ERROR 42P01: relation \\\"nope\\\" does not exist\"}"
                        .getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(300, AuditEvent.INPUT, "select pg_sleep(100)".getBytes(StandardCharsets.UTF_8)));
        UUID id = session("postgres", events);
        TestGateway.Answer a = gw.get("/api/sessions/" + id + "/download?format=timeline", admin);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        JsonNode st = a.json().get("statements");
        assertThat(st).hasSize(3);
        assertThat(st.get(0).toString()).isEqualTo("{\"statement\":0,\"offset_ms\":100,\"sql\":\"select 1\",\"duration_ms\":3,\"rows\":1,"
                + "\"tag\":\"SELECT 1\",\"error\":null,\"skipped\":null}");
        assertThat(st.get(1).get("error").asText()).isEqualTo("ERROR 42P01: relation \"nope\" does not exist");
        assertThat(st.get(1).get("duration_ms").asLong()).isEqualTo(50);
        assertThat(st.get(2).get("duration_ms").isNull()).isTrue();
        assertThat(a.json().get("session").get("id").asText()).isEqualTo(id.toString());
        assertThat(gw.get("/api/sessions/" + id + "/download?format=asciicast", admin).message())
                .isEqualTo("format 'asciicast' is for terminal sessions (connection type command-line), not postgres (expected: text, jsonl, csv or timeline)");
        assertThat(verify(id).get("valid").asBoolean()).isTrue();
    }
}
