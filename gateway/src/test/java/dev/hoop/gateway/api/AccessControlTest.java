package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code access_control} plugin on every way to a connection (listing, gRPC connect and exec,
 * API exec), API keys on REST and gRPC with revocation, and a disabled user's open stream ending
 * at its next packet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    TestGateway gw;
    ManagedChannel channel;
    String admin;
    String dev;
    GrpcProbe.Stream agent;

    @BeforeAll
    void start() throws Exception {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        admin = fixture.adminToken();
        ok(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password", "groups", List.of("eng"))), 201);
        dev = gw.login("dev@example.com", "dev-password");
        TestGateway.Answer a = ok(gw.post("/api/agents", admin, Map.of("name", "edge")), 201);
        for (String name : List.of("open-db", "pay-db", "ops-db")) {
            ok(gw.post("/api/connections", admin, Map.of("name", name, "type", "command-line", "command", List.of("bash"), "agent_name", "edge")), 201);
        }
        agent = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(AgentDsn.parse(a.json().get("token").asText()).secret()));
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void accessControlLimitsListingConnectExecAndApiExec() throws Exception {
        // without the plugin, every user reaches every connection
        assertThat(names(gw.get("/api/connections", dev))).containsExactly("open-db", "ops-db", "pay-db");

        ok(gw.post("/api/plugins", admin, Map.of("name", "access_control", "connections", List.of(
                Map.of("name", "open-db", "config", List.of("eng", "ops")),
                Map.of("name", "pay-db", "config", List.of("finance"))))), 201);
        assertThat(names(gw.get("/api/connections", dev))).containsExactly("open-db");
        assertThat(names(gw.get("/api/connections", admin))).containsExactly("open-db", "ops-db", "pay-db");
        assertThat(gw.get("/api/connections/pay-db", dev).status()).isEqualTo(404);
        assertThat(gw.get("/api/connections/open-db", dev).status()).isEqualTo(200);

        for (String verb : List.of("connect", "exec")) {
            Status refused = GrpcProbe.connect(channel, client(dev, verb, "pay-db")).awaitEnd();
            assertThat(refused.getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(refused.getDescription()).isEqualTo("connection 'pay-db' not found");
        }
        TestGateway.Answer apiExec = gw.post("/api/sessions", dev, Map.of("connection", "pay-db", "script", "id"));
        assertThat(apiExec.status()).isEqualTo(404);
        assertThat(apiExec.message()).isEqualTo("connection 'pay-db' not found");

        // a group change by an admin opens it
        ok(gw.call("PUT", "/api/users/dev@example.com", admin, Map.of("groups", List.of("eng", "finance"))), 200);
        assertThat(names(gw.get("/api/connections", dev))).containsExactly("open-db", "pay-db");
        GrpcProbe.Stream s = GrpcProbe.connect(channel, client(dev, "exec", "pay-db"));
        s.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        awaitAgentSessionOpen();
        s.toGateway().onCompleted();
        ok(gw.call("PUT", "/api/users/dev@example.com", admin, Map.of("groups", List.of("eng"))), 200);

        ok(gw.call("DELETE", "/api/plugins/access_control", admin, null), 204);
        assertThat(names(gw.get("/api/connections", dev))).containsExactly("open-db", "ops-db", "pay-db");
        drainAgent();
    }

    @Test
    void apiKeysWorkOnRestAndGrpcUntilRevokedAlsoOnOpenStreams() throws Exception {
        TestGateway.Answer created = ok(gw.post("/api/apikeys", admin, Map.of("name", "ci", "groups", List.of("eng"))), 201);
        String key = created.json().get("key").asText();
        assertThat(key).startsWith("xapi-");
        // shown once: never again in a listing
        assertThat(gw.get("/api/apikeys", admin).raw()).doesNotContain(key).contains("\"name\":\"ci\"");
        assertThat(gw.post("/api/apikeys", dev, Map.of("name", "mine")).status()).isEqualTo(403);

        TestGateway.Answer me = ok(gw.get("/api/userinfo", key), 200);
        assertThat(me.json().get("email").asText()).isEqualTo("apikey:ci");
        assertThat(me.json().get("groups").toString()).isEqualTo("[\"eng\"]");
        assertThat(gw.get("/api/users", key).status()).isEqualTo(403);

        GrpcProbe.Stream s = GrpcProbe.connect(channel, client(key, "connect", "open-db"));
        s.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        awaitAgentSessionOpen();

        ok(gw.call("DELETE", "/api/apikeys/ci", admin, null), 204);
        TestGateway.Answer revoked = gw.get("/api/userinfo", key);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.message()).isEqualTo("invalid or revoked API key");
        // the open session ends at once, without waiting for a packet from the client, and says why
        assertEndedBy(s, "the API key of this session was revoked; the session is closed");
        assertThat(GrpcProbe.connect(channel, client(key, "connect", "open-db")).awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        drainAgent();
    }

    /** The stream got a ClientSessionClose with {@code reason} (keep-alives aside), then completed. */
    private static void assertEndedBy(GrpcProbe.Stream s, String reason) throws Exception {
        var p = s.next();
        while (p.getType().equals(GatewayPacket.KEEP_ALIVE)) {
            p = s.next();
        }
        assertThat(p.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(p.getPayload().toStringUtf8()).isEqualTo(reason);
        assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void disablingAUserEndsItsOpenStreamAtOnce() throws Exception {
        ok(gw.post("/api/users", admin, Map.of("email", "temp@example.com", "password", "temp-password")), 201);
        String temp = gw.login("temp@example.com", "temp-password");
        GrpcProbe.Stream s = GrpcProbe.connect(channel, client(temp, "connect", "open-db"));
        s.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        awaitAgentSessionOpen();

        ok(gw.call("PUT", "/api/users/temp@example.com", admin, Map.of("status", "disabled")), 200);
        assertThat(gw.get("/api/userinfo", temp).status()).isEqualTo(401);
        assertEndedBy(s, "your user was disabled by an admin; the session is closed");

        // enabled again: new tokens and streams work
        ok(gw.call("PUT", "/api/users/temp@example.com", admin, Map.of("status", "active")), 200);
        GrpcProbe.Stream again = GrpcProbe.connect(channel, client(gw.login("temp@example.com", "temp-password"), "connect", "open-db"));
        again.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        awaitAgentSessionOpen();
        again.toGateway().onCompleted();
        drainAgent();
    }

    /** Waits for the agent to be asked to open a session, skipping the closes of earlier sessions and keep-alives. */
    private void awaitAgentSessionOpen() throws InterruptedException {
        while (true) {
            String type = agent.next().getType();
            if (type.equals(AgentPacket.SESSION_OPEN)) {
                return;
            }
            assertThat(type).isIn(AgentPacket.SESSION_CLOSE, GatewayPacket.KEEP_ALIVE);
        }
    }

    /** Forgets what the agent received so far (session closes of ended sessions). */
    private void drainAgent() {
        agent.received().clear();
    }

    private static Map<String, String> client(String token, String verb, String connection) {
        return Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT, Wire.AUTHORIZATION.name(), "Bearer " + token,
                Wire.CONNECTION_NAME.name(), connection, Wire.VERB.name(), verb);
    }

    private static List<String> names(TestGateway.Answer a) {
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return StreamSupport.stream(a.json().spliterator(), false).map(n -> n.get("name").asText()).sorted().toList();
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
