package dev.hoop.common.wire;

/** Packet types whose receiver is the client (docs/architecture.md#packet-types). The names are the wire contract. */
public final class ClientPacket {
    public static final String SESSION_OPEN_OK = "ClientSessionOpenOK";
    public static final String SESSION_OPEN_WAITING_APPROVAL = "ClientSessionOpenWaitingApproval";
    public static final String SESSION_OPEN_APPROVE_OK = "ClientSessionOpenApproveOK";
    public static final String SESSION_OPEN_AGENT_OFFLINE = "ClientSessionOpenAgentOffline";
    public static final String SESSION_OPEN_TIMEOUT = "ClientSessionOpenTimeout";
    public static final String SESSION_CLOSE = "ClientSessionClose";
    public static final String WRITE_STDOUT = "ClientWriteStdout";
    public static final String WRITE_STDERR = "ClientWriteStderr";
    public static final String TCP_CONNECTION_WRITE = "ClientTCPConnectionWrite";
    public static final String PG_CONNECTION_WRITE = "ClientPGConnectionWrite";
    public static final String TCP_CONNECTION_CLOSE = "ClientTCPConnectionClose";
    public static final String HTTP_PROXY_CONNECTION_WRITE = "ClientHttpProxyConnectionWrite";

    private ClientPacket() {}
}
