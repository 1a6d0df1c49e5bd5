package dev.hoop.gateway.broker;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.store.Agents;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This build's router, until issue 3's broker: an agent gets {@code AgentGatewayConnectOK} and is
 * shown CONNECTED while its stream lives (a second stream for it is refused); a client gets a
 * {@code ClientSessionClose} saying sessions are not available yet, then the stream ends. Agent
 * streams get a {@code GatewayKeepAlive} every interval, so that idle streams stay open through proxies.
 */
public final class BasicStreamRouter implements StreamRouter {
    public static final String SESSIONS_UNAVAILABLE = "sessions are not available in this build of the gateway yet";
    private static final Logger log = LoggerFactory.getLogger(BasicStreamRouter.class);

    private final AgentRegistry registry;
    private final Agents agents;
    private final Duration keepAliveInterval;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("agent-keepalive").factory());

    /** @param keepAliveInterval how often each agent stream gets a {@code GatewayKeepAlive} (SPEC: 10 s) */
    public BasicStreamRouter(AgentRegistry registry, Agents agents, Duration keepAliveInterval) {
        this.registry = registry;
        this.agents = agents;
        this.keepAliveInterval = keepAliveInterval;
    }

    /** Stops the keep-alive ticks (streams themselves end with the gRPC server). */
    @Override
    public void close() {
        ticker.shutdownNow();
    }

    // gRPC observers are not thread-safe: the call thread and the ticker both send, so serialize.
    private static void send(ServerCallStreamObserver<Packet> out, Packet p, String who) {
        synchronized (out) {
            try {
                if (!out.isCancelled()) {
                    out.onNext(p);
                }
            } catch (RuntimeException e) {
                log.debug("{}: sending {} failed: {}", who, p.getType(), e.toString());
            }
        }
    }

    @Override
    public StreamObserver<Packet> agentStream(StreamPeer.AgentPeer peer, ServerCallStreamObserver<Packet> toAgent) {
        AgentRegistry.Presence presence = new AgentRegistry.Presence(peer.agent().id(), peer.agent().name(), peer.hostname(),
                peer.version(), peer.platform(), Instant.now());
        if (!registry.register(presence)) {
            log.warn("agent '{}' ({}) refused: it is connected already", peer.agent().name(), peer.hostname());
            toAgent.onError(Status.FAILED_PRECONDITION.withDescription("agent already connected").asRuntimeException());
            return new Ignore();
        }
        String who = "agent '" + peer.agent().name() + "'";
        Packet keepAlive = Wire.packet(GatewayPacket.KEEP_ALIVE, Map.of(), null);
        ScheduledFuture<?> ticks = ticker.scheduleAtFixedRate(() -> send(toAgent, keepAlive, who),
                keepAliveInterval.toMillis(), keepAliveInterval.toMillis(), TimeUnit.MILLISECONDS);
        toAgent.setOnCancelHandler(() -> {
            ticks.cancel(false);
            disconnected(presence, "cancelled");
        });
        try {
            agents.seen(peer.agent().id(), peer.hostname(), peer.version(), peer.platform());
        } catch (RuntimeException e) {
            log.warn("agent '{}': recording its hostname/version failed: {}", peer.agent().name(), e.getMessage());
        }
        log.info("agent '{}' connected (hostname {}, version {}, platform {})", peer.agent().name(), peer.hostname(),
                peer.version(), peer.platform());
        send(toAgent, Wire.packet(AgentPacket.GATEWAY_CONNECT_OK, Map.of(), null), who);
        return new StreamObserver<>() {
            @Override
            public void onNext(Packet p) {
                if (!GatewayPacket.KEEP_ALIVE.equals(p.getType())) {
                    log.debug("agent '{}': packet {} dropped (no sessions in this build)", peer.agent().name(), p.getType());
                }
            }

            @Override
            public void onError(Throwable t) {
                ticks.cancel(false);
                disconnected(presence, Status.fromThrowable(t).getCode().name());
            }

            @Override
            public void onCompleted() {
                ticks.cancel(false);
                disconnected(presence, "stream completed");
                synchronized (toAgent) {
                    toAgent.onCompleted();
                }
            }
        };
    }

    private void disconnected(AgentRegistry.Presence presence, String why) {
        if (registry.presence(presence.agentId()).filter(presence::equals).isPresent()) {
            registry.unregister(presence);
            log.info("agent '{}' disconnected ({})", presence.name(), why);
        }
    }

    @Override
    public StreamObserver<Packet> clientStream(StreamPeer.ClientPeer client, ServerCallStreamObserver<Packet> toClient) {
        String what = client.connectionName() == null ? "" : ": connection '" + client.connectionName() + "' cannot be opened";
        toClient.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(), (SESSIONS_UNAVAILABLE + what).getBytes(StandardCharsets.UTF_8)));
        toClient.onCompleted();
        log.info("client stream of {} closed: {}", client.principal().user().email(), SESSIONS_UNAVAILABLE);
        return new Ignore();
    }

    /** Swallows whatever the peer still sends after the gateway ended the exchange. */
    private static final class Ignore implements StreamObserver<Packet> {
        @Override
        public void onNext(Packet value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
