package dev.hoop.common.wire;

/** Packet types whose receiver is the agent (docs/architecture.md#packet-types). The names are the wire contract. */
public final class AgentPacket {
    public static final String GATEWAY_CONNECT_OK = "AgentGatewayConnectOK";
    public static final String SESSION_OPEN = "AgentSessionOpen";
    public static final String SESSION_CLOSE = "AgentSessionClose";
    public static final String EXEC_WRITE_STDIN = "AgentExecWriteStdin";
    public static final String TERMINAL_WRITE_STDIN = "AgentTerminalWriteStdin";
    public static final String TERMINAL_RESIZE_TTY = "AgentTerminalResizeTTY";
    public static final String TCP_CONNECTION_WRITE = "AgentTCPConnectionWrite";
    public static final String PG_CONNECTION_WRITE = "AgentPGConnectionWrite";
    public static final String CLOSE_TCP_CONNECTION = "AgentCloseTCPConnection";
    public static final String HTTP_PROXY_CONNECTION_WRITE = "AgentHttpProxyConnectionWrite";

    private AgentPacket() {}
}
