package dev.hoop.gateway.broker;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents connected to this gateway right now (in memory: a restart forgets them and they
 * reconnect). At most one stream per agent.
 */
public final class AgentRegistry {

    /** A connected agent as it described itself in the stream's metadata. */
    public record Presence(UUID agentId, String name, String hostname, String version, String platform, Instant since) {}

    private final Map<UUID, Presence> connected = new ConcurrentHashMap<>();

    /** @return false when the agent already has a stream */
    public boolean register(Presence p) {
        return connected.putIfAbsent(p.agentId(), p) == null;
    }

    public void unregister(Presence p) {
        connected.remove(p.agentId(), p);
    }

    public Optional<Presence> presence(UUID agentId) {
        return Optional.ofNullable(connected.get(agentId));
    }

    public boolean isConnected(UUID agentId) {
        return connected.containsKey(agentId);
    }
}
