package dev.hoop.common.wire;

/** Packet types whose receiver is the gateway (docs/architecture.md#packet-types). */
public final class GatewayPacket {
    /** Sent by each side every {@link Wire#KEEP_ALIVE_INTERVAL} so that idle streams stay open. */
    public static final String KEEP_ALIVE = "GatewayKeepAlive";

    private GatewayPacket() {}
}
