package dev.hoop.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/webhooks} on a gateway started from the production wiring (real PostgreSQL), and the
 * session events of a real gRPC session reaching a receiver, signed, with their delivery log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksApiTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("WEBHOOK_RETRY_DELAY", "100ms")
            .captureLogs(org.slf4j.Logger.ROOT_LOGGER_NAME).admin("admin@example.com", "admin-password");
    private static final ObjectMapper JSON = new ObjectMapper();
    TestGateway gw;
    String admin;
    String member;
    TestReceiver receiver;

    @BeforeAll
    void start() throws Exception {
        gw = fixture.gw();
        admin = fixture.adminToken();
        ok(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password")), 201);
        member = gw.login("dev@example.com", "dev-password");
        receiver = new TestReceiver();
    }

    @AfterAll
    void stop() {
        receiver.close();
    }

    @Test
    void theSecretIsShownOnceByTheCreateCallAndNeverAgain() {
        TestGateway.Answer created = ok(gw.post("/api/webhooks", admin, Map.of("name", "once", "url", "https://hooks.example.com/h",
                "events", List.of("session.open", "review.created", "session.open"))), 201);
        String secret = created.json().get("secret").asText();
        assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(created.json().get("events").toString()).isEqualTo("[\"review.created\",\"session.open\"]");
        assertThat(created.json().get("enabled").asBoolean()).isTrue();

        TestGateway.Answer one = ok(gw.get("/api/webhooks/once", admin), 200);
        TestGateway.Answer byId = ok(gw.get("/api/webhooks/" + created.json().get("id").asText(), admin), 200);
        TestGateway.Answer list = ok(gw.get("/api/webhooks", admin), 200);
        TestGateway.Answer updated = ok(gw.call("PUT", "/api/webhooks/once", admin, Map.of("enabled", false)), 200);
        for (TestGateway.Answer a : List.of(one, byId, list, updated)) {
            assertThat(a.raw()).doesNotContain(secret.substring(6)).doesNotContain("secret");
        }
        assertThat(one.json().get("url").asText()).isEqualTo("https://hooks.example.com/h");
        assertThat(updated.json().get("enabled").asBoolean()).isFalse();
        assertThat(updated.json().get("events").size()).isEqualTo(2);
        assertThat(fixture.logs()).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(secret.substring(6)));

        TestGateway.Answer dup = gw.post("/api/webhooks", admin, Map.of("name", "once", "url", "https://other.example.com"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.message()).isEqualTo("webhook 'once' exists already (delete it first, or choose another name)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no url||url|missing field 'url' (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "ftp|ftp://files.example.com/x|url|url scheme 'ftp' is not allowed (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "javascript|javascript:alert(1)|url|url scheme 'javascript' is not allowed (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "file|file:///etc/passwd|url|url scheme 'file' is not allowed (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "no host|http:///x|url|url 'http:///x' has no host (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "credentials|https://user:pw@hooks.example.com|url|url carries user:password@ (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@; receivers verify the signature)",
        "fragment|https://hooks.example.com/#x|url|url has a #fragment (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "spaces|https://hooks.example.com/a b|url|url is not a valid URL: Illegal character in path (expected: an http:// or https:// URL with a host, at most 2048 characters, without user:password@)",
        "unknown event|https://hooks.example.com|events|event type 'session.*' is unknown (expected some of [review.created, review.decided, session.close, session.open], or none for all)",
    })
    void refusesBadInputSayingWhatWasExpected(String what, String url, String field, String message) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "bad-" + UUID.randomUUID().toString().substring(0, 8));
        body.put("url", url);
        if (field.equals("events")) {
            body.put("events", List.of("session.*"));
        }
        TestGateway.Answer a = gw.post("/api/webhooks", admin, body);
        assertThat(a.status()).as(a.raw()).isEqualTo(400);
        assertThat(a.message()).isEqualTo(message);
    }

    @Test
    void refusesAnOverlongUrlAndABadNameAndBadUpdates() {
        TestGateway.Answer longUrl = gw.post("/api/webhooks", admin, Map.of("name", "long", "url", "https://h.example.com/" + "a".repeat(2100)));
        assertThat(longUrl.status()).isEqualTo(400);
        assertThat(longUrl.message()).startsWith("url has 2122 characters (expected:");
        TestGateway.Answer badName = gw.post("/api/webhooks", admin, Map.of("name", "../x", "url", "https://h.example.com"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.message()).startsWith("name '../x' is not valid");

        ok(gw.post("/api/webhooks", admin, Map.of("name", "upd", "url", "https://h.example.com")), 201);
        TestGateway.Answer badUpdate = gw.call("PUT", "/api/webhooks/upd", admin, Map.of("url", "gopher://h.example.com"));
        assertThat(badUpdate.status()).isEqualTo(400);
        assertThat(ok(gw.get("/api/webhooks/upd", admin), 200).json().get("url").asText()).isEqualTo("https://h.example.com");
        assertThat(gw.call("PUT", "/api/webhooks/nope", admin, Map.of()).status()).isEqualTo(404);
        assertThat(gw.get("/api/webhooks/nope/deliveries", admin).message()).isEqualTo("webhook 'nope' not found");
        assertThat(gw.get("/api/webhooks/upd/deliveries?limit=0", admin).message())
                .isEqualTo("limit '0' is not valid (expected: a number from 1 to 500)");
    }

    @Test
    void onlyAdminsManageWebhooks() {
        assertThat(gw.get("/api/webhooks", member).status()).isEqualTo(403);
        assertThat(gw.post("/api/webhooks", member, Map.of("name", "mine", "url", "https://h.example.com")).status()).isEqualTo(403);
        assertThat(gw.get("/api/webhooks", null).status()).isEqualTo(401);
    }

    @Test
    void deleteRemovesTheEndpointAndItsLog() {
        ok(gw.post("/api/webhooks", admin, Map.of("name", "gone", "url", "https://h.example.com")), 201);
        assertThat(gw.call("DELETE", "/api/webhooks/gone", admin, null).status()).isEqualTo(204);
        assertThat(gw.get("/api/webhooks/gone", admin).status()).isEqualTo(404);
        assertThat(gw.call("DELETE", "/api/webhooks/gone", admin, null).status()).isEqualTo(404);
    }

    @Test
    void aRealSessionSendsSignedOpenAndCloseEventsAndReviewsPublishThroughTheFrontDoor() throws Exception {
        receiver.behave((x, body, i) -> i < 2 ? 500 : 200);
        String secret = ok(gw.post("/api/webhooks", admin, Map.of("name", "receiver", "url", receiver.url("/hoop"))), 201)
                .json().get("secret").asText();
        TestGateway.Answer agent = ok(gw.post("/api/agents", admin, Map.of("name", "wh-agent")), 201);
        ok(gw.post("/api/connections", admin, Map.of("name", "wh-sh", "type", "command-line", "command", List.of("bash"),
                "agent_name", "wh-agent")), 201);

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        try {
            GrpcProbe.Stream agentStream = GrpcProbe.connect(channel,
                    GrpcProbe.agentMetadata(AgentDsn.parse(agent.json().get("token").asText()).secret()));
            assertThat(agentStream.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
            GrpcProbe.Stream client = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT,
                    Wire.CONNECTION_NAME.name(), "wh-sh", Wire.VERB.name(), "exec", Wire.AUTHORIZATION.name(), "Bearer " + admin));
            client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
            assertThat(agentStream.next().getType()).isEqualTo(AgentPacket.SESSION_OPEN);
            client.toGateway().onCompleted();
            agentStream.toGateway().onCompleted();
            agentStream.awaitEnd();
        } finally {
            channel.shutdownNow();
        }
        // what the reviews code does when a review is created
        String review = gw.server.webhookEvents().publish(orgOf(), WebhookEvents.REVIEW_CREATED, Map.of("review_id", "r-42", "status", "PENDING"));

        TestReceiver.await("open, close and review delivered", Duration.ofSeconds(30), () -> receiver.requests().stream()
                .filter(q -> q.answered() == 200).count() == 3);
        List<TestReceiver.Request> ok = receiver.requests().stream().filter(q -> q.answered() == 200).toList();
        Map<String, JsonNode> byType = new HashMap<>();
        for (TestReceiver.Request q : ok) {
            long ts = Long.parseLong(q.header("webhook-timestamp"));
            assertThat(Signature.verify(secret, q.header("webhook-id"), ts, q.body(), q.header("webhook-signature"))).isTrue();
            JsonNode body = JSON.readTree(q.body());
            byType.put(body.get("type").asText(), body.get("data"));
        }
        assertThat(byType.keySet()).containsExactlyInAnyOrder("session.open", "session.close", "review.created");
        JsonNode open = byType.get("session.open");
        JsonNode close = byType.get("session.close");
        assertThat(open.get("id").asText()).hasSize(36).isEqualTo(close.get("id").asText());
        assertThat(open.get("user_email").asText()).isEqualTo("admin@example.com");
        assertThat(open.get("connection").asText()).isEqualTo("wh-sh");
        assertThat(open.get("connection_type").asText()).isEqualTo("command-line");
        assertThat(open.get("verb").asText()).isEqualTo("exec");
        assertThat(open.get("ended_at").isNull()).isTrue();
        assertThat(close.get("ended_at").asText()).isNotEmpty();
        assertThat(byType.get("review.created").get("review_id").asText()).isEqualTo("r-42");
        assertThat(receiver.requests()).extracting(q -> q.header("webhook-id")).contains(review);
        // each id is taken once; the two 500s were retried with their own id
        assertThat(ok).extracting(q -> q.header("webhook-id")).doesNotHaveDuplicates();

        JsonNode log = ok(gw.get("/api/webhooks/receiver/deliveries", admin), 200).json();
        assertThat(log.size()).isEqualTo(3);
        int attempts = 0;
        for (JsonNode d : log) {
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("msg_id").asText()).startsWith("msg_");
            assertThat(d.get("payload").get("type").asText()).isEqualTo(d.get("event_type").asText());
            assertThat(d.get("log").size()).isEqualTo(d.get("attempts").asInt());
            assertThat(d.get("log").get(d.get("attempts").asInt() - 1).get("status_code").asInt()).isEqualTo(200);
            attempts += d.get("attempts").asInt();
        }
        assertThat(attempts).isEqualTo(5);
        assertThat(log.toString()).doesNotContain(secret.substring(6));
    }

    private UUID orgOf() throws Exception {
        try (var c = gw.server.database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT org_id FROM users WHERE email = 'admin@example.com'")) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1, UUID.class);
        }
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
