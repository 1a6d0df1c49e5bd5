package dev.hoop.gateway.broker;

import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docs/architecture.md#wire-protocol: every stream gets a {@code GatewayKeepAlive} every 10 s, so that
 * idle streams stay open through proxies and load balancers with idle timeouts. A timer of its own,
 * apart from the packet path: it only offers a ping to each agent stream and each session's client
 * stream.
 */
final class KeepAlives implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeepAlives.class);

    private final AgentDirectory agents;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("keepalive").factory());

    KeepAlives(AgentDirectory agents, Duration every) {
        this.agents = agents;
        long millis = every.toMillis();
        ticker.scheduleAtFixedRate(this::round, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            Packet ping = Wire.packet(GatewayPacket.KEEP_ALIVE, Map.of(), null);
            for (AgentLink link : agents.links()) {
                link.outbound().offer(ping);
                for (ClientSession session : link.sessions()) {
                    session.keepAlive(ping);
                }
            }
        } catch (RuntimeException e) {
            log.warn("keep-alive round failed; the next one runs as planned", e);
        }
    }

    /** Stops the ticker (streams end with the gRPC server). */
    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
