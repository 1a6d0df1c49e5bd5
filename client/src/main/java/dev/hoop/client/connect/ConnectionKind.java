package dev.hoop.client.connect;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;

/**
 * The connection types a local listener serves, with the packet types that carry their bytes each
 * way (SPEC section 2) and the local port {@code hoop connect} listens on by default.
 */
public enum ConnectionKind {
    POSTGRES(AgentPacket.PG_CONNECTION_WRITE, ClientPacket.PG_CONNECTION_WRITE, 5433),
    TCP(AgentPacket.TCP_CONNECTION_WRITE, ClientPacket.TCP_CONNECTION_WRITE, 8999),
    HTTP(AgentPacket.HTTP_PROXY_CONNECTION_WRITE, ClientPacket.HTTP_PROXY_CONNECTION_WRITE, 8081);

    private final String toAgent;
    private final String toClient;
    private final int defaultPort;

    ConnectionKind(String toAgent, String toClient, int defaultPort) {
        this.toAgent = toAgent;
        this.toClient = toClient;
        this.defaultPort = defaultPort;
    }

    /** The packet type of bytes read from a local socket, on their way to the agent. */
    public String toAgent() {
        return toAgent;
    }

    /** The packet type of bytes from the agent, to write to a local socket. */
    public String toClient() {
        return toClient;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
