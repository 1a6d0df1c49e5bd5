package dev.hoop.client.session;

import dev.hoop.proto.Packet;

/**
 * Where a local socket's packets go: the session's {@link SessionStream}, or a scripted stand-in
 * in {@code LocalSocketHandlerTest} (SessionStream needs a live gRPC call).
 */
interface PacketSink {
    /** See {@link SessionStream#sendOrWait}: sends now, or registers {@code onRoom} and sends nothing. */
    SessionStream.Offer sendOrWait(Packet packet, Runnable onRoom);
}
