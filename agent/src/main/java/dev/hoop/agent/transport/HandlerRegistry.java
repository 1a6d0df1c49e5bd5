package dev.hoop.agent.transport;

import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The connection types this agent serves with per-connection handlers, by type and by inbound
 * packet type. Filled once at start, then only read (the stream controller shares it between
 * streams).
 */
public final class HandlerRegistry {
    private final Map<String, ConnectionKind> byType = new HashMap<>();
    private final Map<String, ConnectionKind> byInboundWrite = new HashMap<>();

    /** TCP: AgentTCPConnectionWrite in, ClientTCPConnectionWrite out. */
    public HandlerRegistry tcp(ConnectionHandlerFactory factory) {
        return register(new ConnectionKind("tcp", AgentPacket.TCP_CONNECTION_WRITE, ClientPacket.TCP_CONNECTION_WRITE, factory));
    }

    /** PostgreSQL: AgentPGConnectionWrite in, ClientPGConnectionWrite out. */
    public HandlerRegistry postgres(ConnectionHandlerFactory factory) {
        return register(new ConnectionKind("postgres", AgentPacket.PG_CONNECTION_WRITE, ClientPacket.PG_CONNECTION_WRITE, factory));
    }

    public synchronized HandlerRegistry register(ConnectionKind kind) {
        if (byType.containsKey(kind.type())) {
            throw new IllegalStateException("connection type '" + kind.type() + "' is registered twice");
        }
        byType.put(kind.type(), kind);
        byInboundWrite.put(kind.inboundWrite(), kind);
        return this;
    }

    synchronized Optional<ConnectionKind> forType(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    synchronized Optional<ConnectionKind> forInboundWrite(String packetType) {
        return Optional.ofNullable(byInboundWrite.get(packetType));
    }
}
