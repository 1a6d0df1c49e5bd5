package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.ClientKeys;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The window between a client key's agent signing in and its stream being registered: a key
 * disabled in between is caught by the check {@link BrokerStreamRouter} makes once the stream is
 * registered, so the agent does not stay connected.
 */
class ClientKeyRaceTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    @TempDir
    Path audit;

    @Test
    void aKeyDisabledWhileItsAgentSignsInCutsTheAgentOffOnceRegistered() throws Exception {
        var gw = fixture.gw();
        String dsn = gw.post("/api/clientkeys", fixture.adminToken(), Map.of("name", "racy")).json().get("dsn").asText();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        ClientKeyAgents clientKeyAgents = new ClientKeyAgents(new ClientKeys(ds));

        // signed in while the key was active...
        Agents.Agent agent = clientKeyAgents.signIn(AgentKeys.hash(AgentDsn.parse(dsn).secret()), "web", "h", "1", "linux").orElseThrow();
        // ...disabled before the stream is registered (no agent online yet: nothing to cut off now)
        assertThat(gw.call("PUT", "/api/clientkeys/racy", fixture.adminToken(), Map.of("active", false)).status()).isEqualTo(200);

        AgentDirectory directory = new AgentDirectory();
        ConnectionCatalog none = (user, name) -> Optional.empty();
        SessionLedger ledger = new SessionLedger() {
            @Override
            public void opened(Opened session) {}

            @Override
            public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {}
        };
        try (SessionBroker broker = new SessionBroker(directory, none, ledger, AuditLog.open(audit, (id, events) -> {}), new Revocations())) {
            FakeCall call = new FakeCall();
            new BrokerStreamRouter(broker, new Agents(ds), clientKeyAgents)
                    .agentStream(new StreamPeer.AgentPeer(agent, "h", "1", "linux"), call, () -> {});
            assertThat(call.error).isNotNull();
            assertThat(call.error.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(call.error.getDescription()).isEqualTo("client key of agent 'racy/web' was disabled");
            assertThat(directory.isOnline(agent.id())).isFalse();
        }

        // the control: with the key active, the same path leaves the agent online
        assertThat(gw.call("PUT", "/api/clientkeys/racy", fixture.adminToken(), Map.of("active", true)).status()).isEqualTo(200);
        AgentDirectory directory2 = new AgentDirectory();
        try (SessionBroker broker = new SessionBroker(directory2, (user, name) -> Optional.empty(), ledger,
                AuditLog.open(audit, (id, events) -> {}), new Revocations())) {
            FakeCall call = new FakeCall();
            new BrokerStreamRouter(broker, new Agents(ds), clientKeyAgents)
                    .agentStream(new StreamPeer.AgentPeer(agent, "h", "1", "linux"), call, () -> {});
            assertThat(call.error).isNull();
            assertThat(directory2.isOnline(agent.id())).isTrue();
        }
    }

    /** The server call as the broker sees it: records what was sent and how it ended. */
    private static final class FakeCall extends ServerCallStreamObserver<Packet> {
        final List<Packet> sent = new ArrayList<>();
        volatile Status error;
        volatile boolean completed;

        @Override
        public void onNext(Packet value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = Status.fromThrowable(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {}

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {}

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void disableAutoRequest() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}
    }
}
