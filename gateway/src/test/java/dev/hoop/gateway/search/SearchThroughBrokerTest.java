package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real session through the broker (gRPC client and agent streams) is searchable by its
 * qualifiers while it runs and by what was typed once it ended: the broker's ledger feeds the index.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchThroughBrokerTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    ManagedChannel channel;

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void aSessionIsIndexedWhenItOpensAndAgainWhenItEnds() throws Exception {
        TestGateway gw = fixture.gw();
        String admin = fixture.adminToken();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        assertThat(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password")).status()).isEqualTo(201);
        assertThat(gw.post("/api/users", admin, Map.of("email", "eve@example.com", "password", "eve-password")).status()).isEqualTo(201);
        String dev = gw.login("dev@example.com", "dev-password");
        String eve = gw.login("eve@example.com", "eve-password");
        TestGateway.Answer agentKey = gw.post("/api/agents", admin, Map.of("name", "edge"));
        assertThat(gw.post("/api/connections", admin, Map.of("name", "ops-box", "type", "command-line", "command", List.of("bash"),
                "agent_name", "edge")).status()).isEqualTo(201);
        GrpcProbe.Stream agent = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(AgentDsn.parse(agentKey.json().get("token").asText()).secret()));
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);

        GrpcProbe.Stream client = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT, Wire.AUTHORIZATION.name(),
                "Bearer " + dev, Wire.CONNECTION_NAME.name(), "ops-box", Wire.VERB.name(), "connect"));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        String type = agent.next().getType();
        while (type.equals(GatewayPacket.KEEP_ALIVE)) {
            type = agent.next().getType();
        }
        assertThat(type).isEqualTo(AgentPacket.SESSION_OPEN);

        // running: found by its qualifiers
        JsonNode open = search(gw, dev, "is:open connection:ops-box");
        assertThat(open).hasSize(1);
        assertThat(open.get(0).get("status").asText()).isEqualTo("open");
        assertThat(open.get(0).get("user_email").asText()).isEqualTo("dev@example.com");

        client.toGateway().onNext(Wire.packet(AgentPacket.TERMINAL_WRITE_STDIN, Map.of(),
                "pg_dump --schema-only billing > /tmp/billing.sql\n".getBytes(StandardCharsets.UTF_8)));
        client.toGateway().onCompleted();
        // the client's stream completes after the session's end is recorded (and indexed)
        assertThat(client.awaitEnd().getCode()).isEqualTo(Status.Code.OK);

        JsonNode done = search(gw, dev, "pg_dump is:done");
        assertThat(done).hasSize(1);
        assertThat(done.get(0).get("id").asText()).isEqualTo(open.get(0).get("id").asText());
        assertThat(done.get(0).get("snippet").asText()).isEqualTo("[[pg_dump]] --schema-only billing > /tmp/billing.sql");
        assertThat(search(gw, dev, "is:open")).isEmpty();
        assertThat(search(gw, admin, "\"schema only\" user:dev@example.com")).hasSize(1);
        assertThat(search(gw, eve, "pg_dump")).isEmpty();
    }

    private static JsonNode search(TestGateway gw, String token, String q) {
        TestGateway.Answer r = gw.get("/api/sessions?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().get("data");
    }
}
