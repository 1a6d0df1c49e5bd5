package dev.hoop.agent.transport;

import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.ConnectionType;
import java.util.Objects;

/**
 * A connection type served by per-client-connection handlers: the type (whose packet types its
 * bytes travel in, see {@link ConnectionType#inboundWrite()}) and the factory that opens its handlers.
 */
public record ConnectionKind(ConnectionType type, ConnectionHandlerFactory factory) {
    public ConnectionKind {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        if (type.inboundWrite().isEmpty()) {
            throw new IllegalArgumentException("connection type '" + type + "' has no socket bytes to relay (no write packet type)");
        }
    }

    /** Packet type carrying client bytes to the agent (e.g. AgentTCPConnectionWrite). */
    public String inboundWrite() {
        return type.inboundWrite().orElseThrow();
    }

    /** Packet type carrying resource bytes to the client (e.g. ClientTCPConnectionWrite). */
    public String outboundWrite() {
        return type.outboundWrite().orElseThrow();
    }
}
