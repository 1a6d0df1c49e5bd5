package dev.hoop.common.wire;

/** Keys of {@code Packet.spec} (docs/architecture.md#spec-keys). Structured values are UTF-8 JSON. */
public final class SpecKey {
    /** The routing key: stamped by the gateway on every client packet and echoed by the agent. */
    public static final String GATEWAY_SESSION_ID = "gateway.session_id";
    public static final String GATEWAY_CONNECTION_NAME = "gateway.connection_name";
    public static final String GATEWAY_CONNECTION_TYPE = "gateway.connection_type";
    /** The session's verb (connect or exec), stamped by the gateway on AgentSessionOpen: the agent's allow-list reads it. */
    public static final String GATEWAY_VERB = "gateway.verb";
    /** One per local socket of a client session: "1", "2", … */
    public static final String CLIENT_CONNECTION_ID = "client.connection_id";
    public static final String CLIENT_EXIT_CODE = "client.exit_code";
    public static final String JIT_TIMEOUT = "jit.timeout";
    public static final String TERMINAL_ARGS = "terminal.args";
    public static final String TERMINAL_ENVVARS = "terminal.envvars";
    /** The connection's secrets and settings, JSON; sent to the agent only, never to a client. */
    public static final String AGENT_CONNECTION_PARAMS = "agent.connection_params";
    public static final String TCP_SERVER_CONNECT = "tcp.server_connect";
    /** Redactions so far in the session, JSON per info type ({"EMAIL_ADDRESS":3}); set by the agent on packets to the client when it changed. */
    public static final String REDACT_SUMMARY = "redact.summary";
    /**
     * The review holding a session: on ClientSessionOpenWaitingApproval and ClientSessionOpenApproveOK
     * from the gateway; on an AgentSessionOpen from the client, the approved review to run (docs/reviews.md).
     */
    public static final String REVIEW_ID = "review.id";
    /** On ClientSessionOpenWaitingApproval: the approver groups still to decide, comma-separated. */
    public static final String REVIEW_PENDING_GROUPS = "review.pending_groups";
    /** The connection's data masking configuration (docs/masking-setup.md), on AgentSessionOpen; absent: no masking. */
    public static final String MASKING_CONFIG = "masking.config";
    /** The organization's key for the HASH masking format, base64, on AgentSessionOpen with masking.config. */
    public static final String MASKING_HASH_KEY = "masking.hash_key";

    private SpecKey() {}
}
