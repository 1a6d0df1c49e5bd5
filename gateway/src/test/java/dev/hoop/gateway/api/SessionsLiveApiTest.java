package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.store.Sessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The live view, per-connection events and paging of {@code /api/sessions/{id}}, against a gateway
 * from the production wiring on the real PostgreSQL. A session's recording is written here with
 * the gateway's own audit code into the gateway's audit folder, as its broker would: the API reads
 * the running session's write-ahead file, then the database once the session ended.
 */
class SessionsLiveApiTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password")
            .setup(folder -> Map.of("PLUGIN_AUDIT_PATH", folder.resolve("audit").toString()));
    static final Duration WAIT = Duration.ofSeconds(15);

    TestGateway gw;
    String admin;
    String dev;
    Sessions sessions;
    AuditLog audit;
    UUID org;
    UUID adminId;
    UUID devId;

    @BeforeEach
    void setUp() throws Exception {
        gw = fixture.gw();
        admin = fixture.adminToken();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database());
        ds.setUser("postgres");
        ds.setCurrentSchema(Database.SCHEMA);
        sessions = new Sessions(ds);
        audit = AuditLog.open(fixture.folder().resolve("audit"), sessions::store);
        // once per class: later tests find the user there (409)
        assertThat(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password", "groups", List.of("eng")))
                .status()).isIn(201, 409);
        dev = gw.login("dev@example.com", "dev-password");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, org_id, email FROM users")) {
            while (rs.next()) {
                org = rs.getObject(2, UUID.class);
                if (rs.getString(3).equals("boss@example.com")) {
                    adminId = rs.getObject(1, UUID.class);
                } else {
                    devId = rs.getObject(1, UUID.class);
                }
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private SessionRecording open(UUID id, UUID userId, String email) {
        sessions.opened(id, org, userId, email, "pg", "postgres", "connect", Instant.now());
        return audit.start(id);
    }

    private void end(UUID id, SessionRecording rec) {
        assertThat(rec.finish()).isTrue();
        sessions.closed(id, 0, null, Instant.now());
    }

    private JsonNode get(String path, String token) {
        TestGateway.Answer a = gw.get(path, token);
        assertThat(a.status()).as(path + ": " + a.raw()).isEqualTo(200);
        return a.json();
    }

    private static List<String> events(JsonNode detail) {
        List<String> out = new ArrayList<>();
        detail.get("events").forEach(e -> out.add(e.get("type").asText() + "#" + (e.get("connection").isNull() ? "-" : e.get("connection").asText())
                + ":" + e.get("data").asText()));
        return out;
    }

    @Test
    void aRunningSessionIsReadFromItsFileThenFromTheDatabaseWithTheSamePages() {
        UUID id = UUID.randomUUID();
        SessionRecording rec = open(id, adminId, "boss@example.com");
        rec.connectionOpened(1);
        rec.input(1, utf8("select 1"));
        rec.connectionOpened(2);
        rec.input(2, utf8("select 2"));
        rec.input(1, utf8("select 11"));
        rec.connectionClosed(1);
        rec.error(utf8("session-wide"));
        rec.written().join();

        String base = "/api/sessions/" + id;
        List<String> queries = List.of("", "?connection=1", "?connection=2", "?events_offset=1&events_limit=2", "?events_offset=100",
                "?connection=1&events_offset=1&events_limit=2", "?connection=99");
        List<JsonNode> live = queries.stream().map(q -> get(base + q, admin)).toList();
        JsonNode all = live.getFirst();
        assertThat(all.get("live").asBoolean()).isTrue();
        assertThat(all.get("session").get("status").asText()).isEqualTo("open");
        assertThat(events(all)).containsExactly("c#1:client connection 1 opened", "i#1:select 1", "c#2:client connection 2 opened",
                "i#2:select 2", "i#1:select 11", "x#1:client connection 1 closed", "e#-:session-wide");
        assertThat(all.get("events_total").asLong()).isEqualTo(7);
        assertThat(all.get("events_limit").asInt()).isEqualTo(LiveSessions.DEFAULT_EVENTS_LIMIT);
        assertThat(events(live.get(1))).containsExactly("c#1:client connection 1 opened", "i#1:select 1", "i#1:select 11",
                "x#1:client connection 1 closed");
        assertThat(live.get(1).get("events_total").asLong()).isEqualTo(4);
        assertThat(events(live.get(2))).containsExactly("c#2:client connection 2 opened", "i#2:select 2");
        assertThat(events(live.get(3))).containsExactly("i#1:select 1", "c#2:client connection 2 opened");
        assertThat(live.get(3).get("events_total").asLong()).isEqualTo(7);
        assertThat(live.get(3).get("events_offset").asLong()).isEqualTo(1);
        assertThat(live.get(3).get("events_limit").asInt()).isEqualTo(2);
        assertThat(events(live.get(4))).isEmpty();
        assertThat(live.get(4).get("events_total").asLong()).isEqualTo(7);
        assertThat(events(live.get(5))).containsExactly("i#1:select 1", "i#1:select 11");
        assertThat(events(live.get(6))).isEmpty();

        assertThat(gw.get(base + "/download", admin).raw()).as("a running session's transcript").contains("input #1: select 11");
        end(id, rec);
        List<JsonNode> stored = queries.stream().map(q -> get(base + q, admin)).toList();
        assertThat(stored.getFirst().get("live").asBoolean()).isFalse();
        assertThat(stored.getFirst().get("session").get("status").asText()).isEqualTo("done");
        for (int i = 0; i < queries.size(); i++) {
            assertThat(stored.get(i).get("events")).as("stored page " + queries.get(i)).isEqualTo(live.get(i).get("events"));
            assertThat(stored.get(i).get("events_total")).as("stored total " + queries.get(i)).isEqualTo(live.get(i).get("events_total"));
        }
        assertThat(gw.get(base + "/download", admin).raw()).contains("input #1: select 11", "connection #2: client connection 2 opened",
                "error: session-wide");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "events_limit=0|events_limit '0' is not valid (expected: a number from 1 to 10000)",
            "events_limit=10001|events_limit '10001' is not valid (expected: a number from 1 to 10000)",
            "events_limit=ten|events_limit 'ten' is not valid",
            "events_offset=-1|events_offset '-1' is not valid (expected: a number from 0 to 2147483647)",
            "connection=0|connection '0' is not valid (expected: a client connection number, 1 or more)",
            "connection=-2|connection '-2' is not valid",
            "connection=1%20or%201=1|connection '1 or 1=1' is not valid",
            "connection=99999999999999999999|connection '99999999999999999999' is not valid"})
    void badPagingIsRefusedNamingTheValue(String query, String message) {
        UUID id = UUID.randomUUID();
        SessionRecording rec = open(id, adminId, "boss@example.com");
        for (String path : List.of("/api/sessions/" + id + "?" + query, "/api/sessions/" + id + "/events?follow=true&" + query)) {
            TestGateway.Answer a = gw.get(path, admin);
            assertThat(a.status()).as(path).isEqualTo(400);
            assertThat(a.message()).startsWith(message);
        }
        TestGateway.Answer follow = gw.get("/api/sessions/" + id + "/events?follow=yes", admin);
        assertThat(follow.status()).isEqualTo(400);
        assertThat(follow.message()).isEqualTo("follow 'yes' is not valid (expected: true or false)");
        end(id, rec);
    }

    @Test
    void aUserReadsAndFollowsOnlyTheirOwnSessions() throws Exception {
        UUID bosses = UUID.randomUUID();
        SessionRecording bossRec = open(bosses, adminId, "boss@example.com");
        bossRec.input(1, utf8("select secret"));
        UUID devs = UUID.randomUUID();
        SessionRecording devRec = open(devs, devId, "dev@example.com");
        devRec.input(1, utf8("select mine"));
        bossRec.written().join();
        devRec.written().join();

        for (String path : List.of("", "/events", "/events?follow=true", "/events?follow=true&connection=1", "/download")) {
            TestGateway.Answer a = gw.get("/api/sessions/" + bosses + path, dev);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.message()).isEqualTo("session '" + bosses + "' not found");
            assertThat(a.raw()).doesNotContain("secret");
        }
        assertThat(events(get("/api/sessions/" + devs, dev))).containsExactly("i#1:select mine");
        assertThat(events(get("/api/sessions/" + devs, admin))).as("admins see every session").containsExactly("i#1:select mine");
        assertThat(gw.get("/api/sessions/" + devs + "/events?follow=true", null).status()).isEqualTo(401);
        end(devs, devRec);
        List<String> followed = follow("/api/sessions/" + devs + "/events?follow=true", dev, new LinkedBlockingQueue<>());
        assertThat(followed).filteredOn(l -> l.startsWith("data: ")).hasSize(2).first().asString().contains("\"data\":\"select mine\"");
        end(bosses, bossRec);
    }

    /** Follows until the stream ends; each line also goes to {@code lines} as it arrives. */
    private static List<String> follow(String path, String token, BlockingQueue<String> lines) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.gw().server.apiPort() + path))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<String> all = new ArrayList<>();
        try (Stream<String> body = r.body()) {
            body.forEach(line -> {
                all.add(line);
                lines.add(line);
            });
        }
        lines.add("<stream ended>");
        return all;
    }

    private static void awaitLine(BlockingQueue<String> lines, String part) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(part)) {
                return;
            }
        }
        throw new AssertionError("no line with '" + part + "' within " + WAIT.toSeconds() + " s");
    }

    @Test
    void followingStreamsEachEventOnceAsItIsRecordedThenTheEnd() throws Exception {
        UUID id = UUID.randomUUID();
        SessionRecording rec = open(id, adminId, "boss@example.com");
        rec.connectionOpened(1);
        rec.input(1, utf8("before following"));
        rec.written().join();

        String path = "/api/sessions/" + id + "/events?follow=true";
        BlockingQueue<String> all = new LinkedBlockingQueue<>();
        BlockingQueue<String> two = new LinkedBlockingQueue<>();
        var everything = java.util.concurrent.CompletableFuture.supplyAsync(() -> call(() -> follow(path, admin, all)),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        var connectionTwo = java.util.concurrent.CompletableFuture.supplyAsync(() -> call(() -> follow(path + "&connection=2", admin, two)),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        awaitLine(all, "before following");

        rec.connectionOpened(2);
        rec.input(2, utf8("while following \"quoted\"\nevent: end\ndata: forged"));
        rec.written().join();
        awaitLine(all, "while following");
        awaitLine(two, "while following");
        assertThat(everything).isNotDone();

        rec.input(1, utf8("last words"));
        end(id, rec);
        List<String> lines = everything.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(lines.stream().filter(l -> l.startsWith("id: ")).toList()).containsExactly("id: 0", "id: 1", "id: 2", "id: 3", "id: 4");
        assertThat(lines.stream().filter(l -> l.startsWith("event: ")).toList())
                .containsExactly("event: event", "event: event", "event: event", "event: event", "event: event", "event: end");
        assertThat(lines).filteredOn(l -> l.startsWith("data: ")).hasSize(6)
                .anySatisfy(l -> assertThat(l).contains("\"data\":\"while following \\\"quoted\\\"\\nevent: end\\ndata: forged\"", "\"connection\":2"))
                .last().isEqualTo("data: {\"status\":\"done\",\"exit_code\":0,\"error\":null}");

        List<String> onlyTwo = connectionTwo.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(onlyTwo.stream().filter(l -> l.startsWith("id: ")).toList()).containsExactly("id: 2", "id: 3");
        assertThat(onlyTwo).noneMatch(l -> l.contains("before following") || l.contains("last words"));

        // a finished session: everything at once, then the end
        List<String> after = follow(path, admin, new LinkedBlockingQueue<>());
        assertThat(after.stream().filter(l -> l.startsWith("data: ")).toList()).hasSize(6);
    }

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T call(Io<T> io) {
        try {
            return io.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
