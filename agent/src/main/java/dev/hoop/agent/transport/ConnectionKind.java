package dev.hoop.agent.transport;

import dev.hoop.agent.session.ConnectionHandlerFactory;
import java.util.Objects;

/**
 * A connection type served by per-client-connection handlers: the packet types it travels in and
 * the factory that opens its handlers.
 *
 * @param type          the connection type as in {@code gateway.connection_type} (tcp, postgres, …)
 * @param inboundWrite  packet type carrying client bytes to the agent (e.g. AgentTCPConnectionWrite)
 * @param outboundWrite packet type carrying resource bytes to the client (e.g. ClientTCPConnectionWrite)
 */
public record ConnectionKind(String type, String inboundWrite, String outboundWrite, ConnectionHandlerFactory factory) {
    public ConnectionKind {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(inboundWrite, "inboundWrite");
        Objects.requireNonNull(outboundWrite, "outboundWrite");
        Objects.requireNonNull(factory, "factory");
    }
}
