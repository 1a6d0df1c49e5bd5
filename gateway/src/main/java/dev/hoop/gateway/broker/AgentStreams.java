package dev.hoop.gateway.broker;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.InboundCredit;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent side of the broker: registers an agent's stream, hands each packet it sends to its
 * session by {@code gateway.session_id}, and ends the agent's sessions when the agent goes. Apart
 * from {@link SessionBroker}, which admits client sessions, because an agent stream carries many
 * sessions and has a lifecycle of its own; the sessions themselves stay in {@link AgentLink}.
 */
final class AgentStreams {
    private static final Logger log = LoggerFactory.getLogger(AgentStreams.class);

    private final AgentDirectory agents;

    AgentStreams(AgentDirectory agents) {
        this.agents = agents;
    }

    /**
     * An authenticated agent opened its stream.
     *
     * @return the observer of the packets the agent sends
     * @throws StatusException FAILED_PRECONDITION when the agent already has a stream
     */
    StreamObserver<Packet> open(AgentIdentity agent, ServerCallStreamObserver<Packet> toAgent) throws StatusException {
        OutboundStream out = new OutboundStream(toAgent);
        InboundCredit credit = InboundWindow.open(toAgent);
        AgentLink link = agents.register(agent, out);
        log.info("agent '{}' connected (hostname {}, version {}, platform {})", agent.name(), agent.hostname(), agent.version(), agent.platform());
        out.send(Wire.packet(AgentPacket.GATEWAY_CONNECT_OK, Map.of(), null));
        return new StreamObserver<>() {
            @Override
            public void onNext(Packet packet) {
                boolean handedOver = false;
                try {
                    handedOver = fromAgent(link, packet, credit);
                } finally {
                    if (!handedOver) {
                        credit.handled();
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                agentGone(link, Status.fromThrowable(t).getCode() + " " + Optional.ofNullable(Status.fromThrowable(t).getDescription()).orElse(""));
            }

            @Override
            public void onCompleted() {
                agentGone(link, "stream closed by the agent");
            }
        };
    }

    /** @return whether a session took the packet (and with it the duty to give its credit back) */
    private boolean fromAgent(AgentLink link, Packet packet, InboundCredit credit) {
        if (packet.getType().equals(GatewayPacket.KEEP_ALIVE)) {
            return false;
        }
        String sid = Wire.spec(packet, SpecKey.GATEWAY_SESSION_ID);
        UUID id;
        try {
            id = UUID.fromString(sid == null ? "" : sid);
        } catch (IllegalArgumentException e) {
            log.warn("agent '{}': dropped a {} packet without a valid {} ('{}')", link.identity().name(), packet.getType(), SpecKey.GATEWAY_SESSION_ID, sid);
            return false;
        }
        ClientSession session = link.session(id);
        if (session == null) {
            // the session ended on our side first; let the agent free what it still holds
            if (!packet.getType().equals(ClientPacket.SESSION_CLOSE)) {
                link.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
            }
            return false;
        }
        session.fromAgent(packet, () -> InboundWindow.giveBack(credit, session.clientStream()));
        return true;
    }

    /**
     * Cuts these agents' streams off now: each agent gets PERMISSION_DENIED with {@code reason}, and
     * the sessions it served end with it.
     *
     * @return how many of them were connected
     */
    int disconnect(Collection<UUID> agentIds, String reason) {
        int connected = 0;
        for (UUID id : agentIds) {
            Optional<AgentLink> link = agents.link(id);
            if (link.isPresent()) {
                for (ClientSession session : link.get().sessions()) {
                    session.agentGone(reason); // the users see why, not just "agent disconnected"
                }
                link.get().outbound().fail(Status.PERMISSION_DENIED.withDescription(reason));
                agentGone(link.get(), reason);
                connected++;
            }
        }
        return connected;
    }

    private void agentGone(AgentLink link, String why) {
        agents.unregister(link);
        int open = link.sessionCount();
        log.info("agent '{}' disconnected ({}); closing {} session(s)", link.identity().name(), why, open);
        for (ClientSession session : link.sessions()) {
            session.agentGone("agent '" + link.identity().name() + "' disconnected");
        }
        link.outbound().complete();
    }
}
