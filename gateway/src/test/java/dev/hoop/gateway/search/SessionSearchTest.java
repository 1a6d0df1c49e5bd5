package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Sessions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/sessions?q=} on a real gateway and PostgreSQL: every qualifier, phrases, ranking,
 * snippets, who sees what (non-admins, other orgs) and the 400s of bad queries. Sessions are written
 * to the database and indexed the way the broker's ledger does at open and end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionSearchTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    TestGateway gw;
    String admin;
    String dev;
    Sessions sessions;
    SessionIndex index;
    UUID org;
    UUID a, b, c, d, e, f, g, h;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        admin = fixture.adminToken();
        assertThat(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password")).status()).isEqualTo(201);
        dev = gw.login("dev@example.com", "dev-password");
        UUID boss = UUID.fromString(gw.get("/api/userinfo", admin).json().get("id").asText());
        UUID devId = UUID.fromString(gw.get("/api/userinfo", dev).json().get("id").asText());
        sessions = new Sessions(gw.server.database().dataSource());
        index = gw.server.sessionIndex();
        org = new Orgs(gw.server.database().dataSource()).ensure(Orgs.DEFAULT_ORG);
        UUID acme = new Orgs(gw.server.database().dataSource()).ensure("acme");
        a = record(org, boss, "boss@example.com", "pg-main", "postgres", "exec", "2026-11-02T10:00:00Z", 1, null,
                "DROP TABLE users;", "ERROR: permission denied for table users");
        b = record(org, boss, "boss@example.com", "pg-main", "postgres", "exec", "2026-10-20T10:00:00Z", 0, null,
                "select 'drop the table' as joke;", "joke: drop the table");
        c = record(org, boss, "boss@example.com", "bash-ops", "command-line", "exec", "2026-11-05T10:00:00Z", 0, null,
                "grep payments payments.log # payments payments payments", "5 lines");
        d = record(org, boss, "boss@example.com", "bash-ops", "command-line", "connect", "2026-11-06T10:00:00Z", null, null,
                "ls /srv/payments-archive && echo done", "a b c d e f");
        e = record(org, devId, "dev@example.com", "pg-main", "postgres", "exec", "2026-11-03T10:00:00Z", 0, null,
                "DROP TABLE scratch;", "DROP TABLE");
        f = record(acme, UUID.randomUUID(), "boss@acme.example", "pg-main", "postgres", "exec", "2026-11-02T10:00:00Z", 0, null,
                "DROP TABLE users;", "users dropped");
        h = record(org, boss, "boss@example.com", "http-api", "http", "connect", "2026-11-04T10:00:00Z", null, "agent 'edge' is offline",
                "GET /payments", "");
        g = UUID.randomUUID();
        sessions.opened(g, org, boss, "boss@example.com", "pg-main", "postgres", "connect", Instant.parse("2026-11-07T10:00:00Z"));
        index.index(g);
    }

    private UUID record(UUID orgId, UUID user, String email, String conn, String type, String verb, String started, Integer exit,
                        String error, String input, String output) {
        UUID id = UUID.randomUUID();
        Instant t = Instant.parse(started);
        sessions.opened(id, orgId, user, email, conn, type, verb, t);
        index.index(id);
        sessions.store(id, List.of(new AuditEvent(0, AuditEvent.INPUT, input.getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(7, AuditEvent.OUTPUT, output.getBytes(StandardCharsets.UTF_8))));
        sessions.closed(id, exit, error, t.plusSeconds(3));
        index.index(id);
        return id;
    }

    private TestGateway.Answer search(String token, String q) {
        return gw.get("/api/sessions?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token);
    }

    private List<UUID> ids(String token, String q) {
        TestGateway.Answer r = search(token, q);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<UUID> out = new ArrayList<>();
        r.json().get("data").forEach(n -> out.add(UUID.fromString(n.get("id").asText())));
        return out;
    }

    @Test
    void qualifiersFilterAndListNewestFirst() {
        assertThat(ids(admin, "")).containsExactly(g, d, c, h, e, a, b);
        assertThat(ids(admin, "connection:pg-main")).containsExactly(g, e, a, b);
        assertThat(ids(admin, "connection:PG-MAIN")).containsExactly(g, e, a, b);
        assertThat(ids(admin, "connection:bash-ops connection:http-api")).containsExactly(d, c, h);
        assertThat(ids(admin, "-connection:pg-main")).containsExactly(d, c, h);
        assertThat(ids(admin, "user:dev@example.com")).containsExactly(e);
        assertThat(ids(admin, "verb:connect")).containsExactly(g, d, h);
        assertThat(ids(admin, "type:postgres verb:exec")).containsExactly(e, a, b);
        assertThat(ids(admin, "exit:1")).containsExactly(a);
        assertThat(ids(admin, "-exit:0 is:done")).containsExactly(d, h, a);
        assertThat(ids(admin, "is:error")).containsExactly(h, a);
        assertThat(ids(admin, "is:ok")).containsExactly(d, c, e, b);
        assertThat(ids(admin, "is:open")).containsExactly(g);
        assertThat(ids(admin, "after:2026-11-03 before:2026-11-06")).containsExactly(c, h, e);
        assertThat(ids(admin, "after:2026-11-03T10:00:01Z before:2026-11-06")).containsExactly(c, h);
        assertThat(ids(admin, "id:" + a)).containsExactly(a);
        assertThat(ids(admin, "id:" + a.toString().substring(0, 8))).containsExactly(a);
        assertThat(ids(admin, "connection:nope")).isEmpty();
    }

    @Test
    void phrasesMatchWordsInOrderWordsMatchAnywhere() {
        assertThat(ids(admin, "\"drop table\"")).containsExactlyInAnyOrder(a, e);
        assertThat(ids(admin, "drop table")).containsExactlyInAnyOrder(a, b, e);
        assertThat(ids(admin, "drop table -\"drop the table\"")).containsExactlyInAnyOrder(a, e);
        assertThat(ids(admin, "\"permission denied\" is:error")).containsExactly(a);
        assertThat(ids(admin, "\"drop table\" user:dev@example.com")).containsExactly(e);
        // matched in the output too, case-insensitively
        assertThat(ids(admin, "DENIED")).containsExactly(a);
        // punctuation alone looks for nothing, and does not empty the answer
        assertThat(ids(admin, "exit:1 ;")).containsExactly(a);
    }

    @Test
    void moreMatchesRankHigherAndAnswersCarryScoreAndSnippets() {
        // c says it five times; d and h once each (their order is BM25's: the shorter text first)
        List<UUID> ranked = ids(admin, "payments");
        assertThat(ranked).containsExactlyInAnyOrder(c, d, h);
        assertThat(ranked.getFirst()).isEqualTo(c);
        JsonNode data = search(admin, "payments").json().get("data");
        assertThat(data.get(0).get("score").asDouble()).isGreaterThan(data.get(1).get("score").asDouble()).isGreaterThan(0);

        JsonNode hit = search(admin, "\"drop table\" exit:1").json().get("data").get(0);
        assertThat(hit.get("connection").asText()).isEqualTo("pg-main");
        assertThat(hit.get("user_email").asText()).isEqualTo("boss@example.com");
        assertThat(hit.get("exit_code").asInt()).isEqualTo(1);
        assertThat(hit.get("event_count").asLong()).isEqualTo(2);
        assertThat(hit.get("snippet").asText()).isEqualTo("[[DROP TABLE]] users;");
        JsonNode snippet = hit.get("snippets").get(0);
        assertThat(snippet.get("field").asText()).isEqualTo("input");
        assertThat(snippet.get("text").asText()).isEqualTo("DROP TABLE users;\n");
        assertThat(snippet.get("matches").toString()).isEqualTo("[[0,10]]");
        assertThat(hit.get("snippets")).hasSize(1);

        JsonNode both = search(admin, "users exit:1").json().get("data").get(0);
        assertThat(both.get("snippets").toString()).isEqualTo("[{\"field\":\"input\",\"text\":\"DROP TABLE users;\\n\",\"matches\":[[11,16]]},"
                + "{\"field\":\"output\",\"text\":\"ERROR: permission denied for table users\\n\",\"matches\":[[35,40]]}]");
    }

    @Test
    void nonAdminsFindOnlyTheirOwnSessionsWhateverTheyWrite() {
        assertThat(ids(dev, "")).containsExactly(e);
        assertThat(ids(dev, "\"drop table\"")).containsExactly(e);
        assertThat(ids(dev, "user:boss@example.com")).isEmpty();
        assertThat(ids(dev, "id:" + a)).isEmpty();
        assertThat(ids(dev, "users OR permission")).isEmpty();
        assertThat(search(dev, "*:*").status()).isEqualTo(400);
        assertThat(search(dev, "user_id:" + a).status()).isEqualTo(400);
        assertThat(search(dev, "org:" + org).status()).isEqualTo(400);
        assertThat(search(null, "drop").status()).isEqualTo(401);
    }

    @Test
    void anotherOrgsSessionsAreNeverFound() {
        assertThat(ids(admin, "users")).containsExactly(a);
        assertThat(ids(admin, "user:boss@acme.example")).isEmpty();
        assertThat(ids(admin, "id:" + f)).isEmpty();
        assertThat(ids(admin, "dropped")).isEmpty();
    }

    @Test
    void pagesWithLimitAndOffset() {
        TestGateway.Answer first = gw.get("/api/sessions?q=connection%3Apg-main&limit=3", admin);
        assertThat(first.json().get("has_next_page").asBoolean()).isTrue();
        assertThat(first.json().get("q").asText()).isEqualTo("connection:pg-main");
        TestGateway.Answer second = gw.get("/api/sessions?q=connection%3Apg-main&limit=3&offset=3", admin);
        assertThat(second.json().get("has_next_page").asBoolean()).isFalse();
        assertThat(second.json().get("data").get(0).get("id").asText()).isEqualTo(b.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "q=foo%3Abar|q: unknown qualifier 'foo:' (expected one of: connection, user, verb, type, exit, is, id, after, before; or quote the text: \"foo:\")",
            "q=verb%3Arun|q: verb:run is not valid (expected: connect or exec)",
            "q=%22drop|q: unclosed quote at character 1 (expected: a closing \")",
            "q=x&connection=pg-main|connection= cannot be combined with q= (expected: write it in q as a qualifier, e.g. connection:pg after:2026-11-01)",
            "q=x&limit=501|limit '501' is not valid (expected: a number from 1 to 500)",
            "q=x&limit=500&offset=9600|q: offset + limit: 10100 (expected: at most 10000; narrow the query instead)",
    })
    void badQueriesAre400sThatSayWhatWasWrong(String query, String message) {
        TestGateway.Answer r = gw.get("/api/sessions?" + query, admin);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.message()).isEqualTo(message);
    }

    @Test
    void anOversizedQueryIsRefused() {
        TestGateway.Answer r = search(admin, "x".repeat(2000));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).isEqualTo("q: q: 2000 characters (expected: at most 1024)");
    }
}
