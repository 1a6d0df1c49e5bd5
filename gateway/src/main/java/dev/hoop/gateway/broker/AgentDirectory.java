package dev.hoop.gateway.broker;

import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents connected to this gateway, by agent id. One stream per agent: a second one is
 * refused and the first stays online.
 */
public final class AgentDirectory {
    private final Map<UUID, AgentLink> online = new ConcurrentHashMap<>();

    AgentLink register(AgentIdentity agent, OutboundStream toAgent) throws StatusException {
        AgentLink link = new AgentLink(agent, toAgent);
        AgentLink existing = online.putIfAbsent(agent.id(), link);
        if (existing != null && !existing.outbound().isClosed()) {
            throw Status.FAILED_PRECONDITION.withDescription("agent already connected").asException();
        }
        if (existing != null) {
            // the old stream is closed but its cleanup has not run yet: take its place
            online.put(agent.id(), link);
        }
        return link;
    }

    /** Every connected agent's link, for the keep-alive ticker. */
    java.util.Collection<AgentLink> links() {
        return java.util.List.copyOf(online.values());
    }

    void unregister(AgentLink link) {
        online.remove(link.identity().id(), link);
    }

    Optional<AgentLink> link(UUID agentId) {
        return Optional.ofNullable(online.get(agentId));
    }

    /** How many agents have a live stream to this gateway (/metrics). */
    public long onlineCount() {
        return online.values().stream().filter(l -> !l.outbound().isClosed()).count();
    }

    /** True while the agent has a live stream to this gateway. */
    public boolean isOnline(UUID agentId) {
        AgentLink link = online.get(agentId);
        return link != null && !link.outbound().isClosed();
    }

    /** What the agent said about itself when it connected, while it is online. */
    public Optional<AgentIdentity> onlineIdentity(UUID agentId) {
        return link(agentId).filter(l -> !l.outbound().isClosed()).map(AgentLink::identity);
    }
}
