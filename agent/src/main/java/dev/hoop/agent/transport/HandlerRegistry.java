package dev.hoop.agent.transport;

import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.ConnectionType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The connection types this agent serves with per-connection handlers. Filled once at start, then
 * only read (the stream controller shares it between streams). Which packet types a session may
 * carry is {@link ConnectionType}'s, not this registry's.
 */
public final class HandlerRegistry {
    private final Map<ConnectionType, ConnectionKind> byType = new EnumMap<>(ConnectionType.class);

    /** TCP: AgentTCPConnectionWrite in, ClientTCPConnectionWrite out. */
    public HandlerRegistry tcp(ConnectionHandlerFactory factory) {
        return register(ConnectionType.TCP, factory);
    }

    /** PostgreSQL: AgentPGConnectionWrite in, ClientPGConnectionWrite out. */
    public HandlerRegistry postgres(ConnectionHandlerFactory factory) {
        return register(ConnectionType.POSTGRES, factory);
    }

    /** HTTP: AgentHttpProxyConnectionWrite in, ClientHttpProxyConnectionWrite out. */
    public HandlerRegistry http(ConnectionHandlerFactory factory) {
        return register(ConnectionType.HTTP, factory);
    }

    public synchronized HandlerRegistry register(ConnectionType type, ConnectionHandlerFactory factory) {
        if (byType.containsKey(type)) {
            throw new IllegalStateException("connection type '" + type + "' is registered twice");
        }
        byType.put(type, new ConnectionKind(type, factory));
        return this;
    }

    synchronized Optional<ConnectionKind> forType(ConnectionType type) {
        return Optional.ofNullable(byType.get(type));
    }
}
