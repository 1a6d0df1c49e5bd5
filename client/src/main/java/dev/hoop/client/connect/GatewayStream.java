package dev.hoop.client.connect;

import dev.hoop.proto.Packet;

/**
 * The client's side of one {@code Connect} stream as the local listener needs it: an adapter over
 * gRPC's {@code ClientCallStreamObserver} (built by {@code dev.hoop.common.grpc}). Implementations
 * must be thread-safe: sockets on Netty event loops and gRPC callbacks call them concurrently.
 */
public interface GatewayStream {
    /** Queues one packet to the gateway. */
    void send(Packet packet);

    /** True while the transport accepts more without buffering (gRPC {@code isReady()}). */
    boolean isReady();

    /** Sets the one callback run whenever {@link #isReady()} turns true (gRPC {@code setOnReadyHandler}). */
    void setOnReadyHandler(Runnable handler);

    /** Asks for {@code count} more packets from the gateway (manual inbound flow control). */
    void request(int count);
}
