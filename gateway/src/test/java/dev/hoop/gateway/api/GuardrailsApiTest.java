package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import dev.hoop.proto.Packet;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/guardrails}: admins set a connection's rules, the gateway validates them, and the
 * agent receives them in the connection params of the next session (a client cannot send its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardrailsApiTest {
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
        for (String name : List.of("db", "other")) {
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
    void rulesAreSetValidatedListedAndCleared() {
        TestGateway.Answer set = ok(gw.call("PUT", "/api/guardrails/db", admin, Map.of("rules", List.of(" drop ", "deny-table:payroll"))), 200);
        assertThat(set.json().toString()).isEqualTo("{\"connection\":\"db\",\"rules\":[\"drop\",\"deny-table:payroll\"]}");
        ok(gw.call("PUT", "/api/guardrails/other", admin, Map.of("rules", List.of("read-only"))), 200);
        assertThat(ok(gw.get("/api/guardrails", admin), 200).json().toString()).isEqualTo(
                "[{\"connection\":\"db\",\"rules\":[\"drop\",\"deny-table:payroll\"]},{\"connection\":\"other\",\"rules\":[\"read-only\"]}]");
        // setting one connection's rules leaves the other's
        ok(gw.call("PUT", "/api/guardrails/other", admin, Map.of("rules", List.of("truncate"))), 200);
        assertThat(ok(gw.get("/api/guardrails/db", admin), 200).json().get("rules").size()).isEqualTo(2);

        TestGateway.Answer bad = gw.call("PUT", "/api/guardrails/db", admin, Map.of("rules", List.of("drop", "regex:[")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.message()).startsWith("guardrails: 'regex:[' is not a valid regular expression: Unclosed character class");
        assertThat(ok(gw.get("/api/guardrails/db", admin), 200).json().get("rules").toString()).isEqualTo("[\"drop\",\"deny-table:payroll\"]");

        assertThat(gw.call("PUT", "/api/guardrails/nope", admin, Map.of("rules", List.of("drop"))).status()).isEqualTo(404);
        assertThat(gw.call("PUT", "/api/guardrails/db", dev, Map.of("rules", List.of())).status()).isEqualTo(403);
        assertThat(gw.get("/api/guardrails", dev).status()).isEqualTo(403);

        ok(gw.call("DELETE", "/api/guardrails/other", admin, null), 204);
        assertThat(ok(gw.get("/api/guardrails/other", admin), 200).json().get("rules").size()).isZero();
    }

    @Test
    void theAgentGetsTheRulesAndAClientCannotReplaceThem() throws Exception {
        ok(gw.call("PUT", "/api/guardrails/db", admin, Map.of("rules", List.of("regex:rm\\s+-rf"))), 200);
        GrpcProbe.Stream s = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT,
                Wire.AUTHORIZATION.name(), "Bearer " + dev, Wire.CONNECTION_NAME.name(), "db", Wire.VERB.name(), "exec"));
        ConnectionParams forged = new ConnectionParams("db", "command-line", List.of("bash"), Map.of(), List.of());
        s.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.AGENT_CONNECTION_PARAMS, new String(forged.toJson())),
                new byte[0]));
        Packet open = awaitAgentSessionOpen();
        ConnectionParams params = ConnectionParams.fromJson(open.getSpecMap().get(SpecKey.AGENT_CONNECTION_PARAMS).toByteArray());
        assertThat(params.guardrails()).containsExactly("regex:rm\\s+-rf");
        s.toGateway().onCompleted();
    }

    private Packet awaitAgentSessionOpen() throws InterruptedException {
        while (true) {
            Packet p = agent.next();
            if (p.getType().equals(AgentPacket.SESSION_OPEN)) {
                return p;
            }
            assertThat(p.getType()).isIn(AgentPacket.SESSION_CLOSE, GatewayPacket.KEEP_ALIVE);
        }
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
