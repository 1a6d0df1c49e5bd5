package dev.hoop.agent.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;

/** Builds the packets the agent sends to a client; every one carries the session id (the routing key). */
final class Replies {
    private Replies() {}

    static Packet.Builder to(String type, String sessionId) {
        return Packet.newBuilder().setType(type).putSpec(SpecKey.GATEWAY_SESSION_ID, utf8(sessionId));
    }

    /** @param payload owned by the packet from now on ({@link dev.hoop.agent.session.ClientSink#write}): wrapped, not copied */
    static Packet connectionData(String type, String sessionId, String connectionId, byte[] payload) {
        return to(type, sessionId).putSpec(SpecKey.CLIENT_CONNECTION_ID, utf8(connectionId))
                .setPayload(UnsafeByteOperations.unsafeWrap(payload)).build();
    }

    static Packet connectionClose(String sessionId, String connectionId, String reason) {
        return to(ClientPacket.TCP_CONNECTION_CLOSE, sessionId).putSpec(SpecKey.CLIENT_CONNECTION_ID, utf8(connectionId))
                .setPayload(utf8(reason == null ? "" : reason)).build();
    }

    static Packet output(String type, String sessionId, byte[] chunk) {
        return to(type, sessionId).setPayload(ByteString.copyFrom(chunk)).build();
    }

    /** Ends the session for the client: the exit code (when a command ran) and the reason (empty when normal). */
    static Packet sessionClose(String sessionId, Integer exitCode, String reason) {
        Packet.Builder b = to(ClientPacket.SESSION_CLOSE, sessionId).setPayload(utf8(reason == null ? "" : reason));
        if (exitCode != null) {
            b.putSpec(SpecKey.CLIENT_EXIT_CODE, utf8(Integer.toString(exitCode)));
        }
        return b.build();
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
