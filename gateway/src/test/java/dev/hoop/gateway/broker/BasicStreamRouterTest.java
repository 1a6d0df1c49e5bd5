package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.gateway.TestPostgres;
import dev.hoop.gateway.config.PostgresUri;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.proto.Packet;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent side of this build's router: connect OK, keep-alives, presence, disconnect (real storage). */
class BasicStreamRouterTest {

    /** The gateway-to-agent half of a stream, recording what is sent; a real class, not a mock. */
    static final class Recorder extends ServerCallStreamObserver<Packet> {
        final BlockingQueue<Packet> sent = new LinkedBlockingQueue<>();
        volatile boolean completed;
        volatile Runnable onCancel;

        @Override
        public void onNext(Packet value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
            onCancel = onCancelHandler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        Packet next() throws InterruptedException {
            Packet p = sent.poll(10, TimeUnit.SECONDS);
            assertThat(p).as("a packet within 10 s").isNotNull();
            return p;
        }
    }

    @Test
    void agentGetsConnectOkThenKeepAlivesAndIsPresentUntilItCompletes() throws Exception {
        try (TestPostgres pg = TestPostgres.create(); Database db = Database.external(PostgresUri.parse(pg.uri()))) {
            Agents agents = new Agents(db.dataSource());
            var org = new Orgs(db.dataSource()).ensure(Orgs.DEFAULT_ORG);
            Agents.Agent agent = agents.create(org, "a1", "standard", "0".repeat(64));
            AgentRegistry registry = new AgentRegistry();
            try (BasicStreamRouter router = new BasicStreamRouter(registry, agents, Duration.ofMillis(50))) {
                Recorder out = new Recorder();
                var in = router.agentStream(new StreamPeer.AgentPeer(agent, "h1", "1.2.3", "linux/amd64"), out);
                assertThat(out.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
                assertThat(out.next().getType()).isEqualTo(GatewayPacket.KEEP_ALIVE);
                assertThat(out.next().getType()).isEqualTo(GatewayPacket.KEEP_ALIVE);
                assertThat(registry.presence(agent.id()).orElseThrow().hostname()).isEqualTo("h1");
                assertThat(agents.find(org, "a1").orElseThrow().version()).isEqualTo("1.2.3");

                in.onCompleted();
                assertThat(out.completed).isTrue();
                assertThat(registry.isConnected(agent.id())).isFalse();
                out.sent.clear();
                // ticks stopped: nothing more within several intervals
                assertThat(out.sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
            }
        }
    }
}
