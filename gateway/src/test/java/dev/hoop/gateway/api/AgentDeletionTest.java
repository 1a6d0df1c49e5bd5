package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting an agent is revoking its key: an agent that is connected when an admin deletes it is cut
 * off at once (with its sessions), not left serving until it happens to reconnect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentDeletionTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    TestGateway gw;
    ManagedChannel channel;
    String admin;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        admin = fixture.adminToken();
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void deletingAConnectedAgentCutsItsStreamAndItsKeyStopsWorking() throws Exception {
        TestGateway.Answer created = gw.post("/api/agents", admin, Map.of("name", "doomed"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String secret = AgentDsn.parse(created.json().get("token").asText()).secret();
        GrpcProbe.Stream agent = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(secret));
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);

        assertThat(gw.call("DELETE", "/api/agents/doomed", admin, null).status()).isEqualTo(204);

        Status cut = agent.awaitEnd();
        assertThat(cut.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(cut.getDescription()).isEqualTo("agent 'doomed' was deleted");
        assertThat(GrpcProbe.connect(channel, GrpcProbe.agentMetadata(secret)).awaitEnd().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(gw.get("/api/agents/doomed", admin).status()).isEqualTo(404);
    }

    @Test
    void deletingADisconnectedAgentIsPlainDeletion() {
        assertThat(gw.post("/api/agents", admin, Map.of("name", "idle")).status()).isEqualTo(201);
        assertThat(gw.call("DELETE", "/api/agents/idle", admin, null).status()).isEqualTo(204);
        assertThat(gw.call("DELETE", "/api/agents/idle", admin, null).status()).isEqualTo(404);
    }
}
