package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** One connected agent: its outbound stream and the sessions it serves, by session id. */
final class AgentLink {
    private final AgentIdentity identity;
    private final OutboundStream toAgent;
    private final Map<UUID, ClientSession> sessions = new ConcurrentHashMap<>();

    AgentLink(AgentIdentity identity, OutboundStream toAgent) {
        this.identity = identity;
        this.toAgent = toAgent;
    }

    AgentIdentity identity() {
        return identity;
    }

    boolean send(Packet packet) {
        return toAgent.send(packet);
    }

    void attach(ClientSession session) {
        sessions.put(session.id(), session);
    }

    void detach(UUID sessionId) {
        sessions.remove(sessionId);
    }

    ClientSession session(UUID id) {
        return sessions.get(id);
    }

    Collection<ClientSession> sessions() {
        return List.copyOf(sessions.values());
    }

    int sessionCount() {
        return sessions.size();
    }

    OutboundStream outbound() {
        return toAgent;
    }
}
