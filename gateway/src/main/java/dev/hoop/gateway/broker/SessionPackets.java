package dev.hoop.gateway.broker;

import static dev.hoop.common.wire.SpecKey.AGENT_CONNECTION_PARAMS;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_NAME;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_TYPE;
import static dev.hoop.common.wire.SpecKey.GATEWAY_SESSION_ID;
import static dev.hoop.common.wire.SpecKey.GATEWAY_VERB;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * The packets a session writes or rewrites: which spec keys only the gateway sets, the
 * AgentSessionOpen it sends for the client's, the session id stamped on forwarded packets, and the
 * closes it sends either side. Static: {@link ClientSession} decides when, this class only what the
 * packets hold, so the session's wire shape is in one place.
 */
final class SessionPackets {
    private SessionPackets() {
    }

    /** Spec keys only the gateway sets: a client's values never reach the agent. */
    static boolean gatewayOnly(String key) {
        return key.startsWith("gateway.") || key.equals(AGENT_CONNECTION_PARAMS) || key.startsWith("masking.");
    }

    /** The AgentSessionOpen for a client's: its payload and spec, plus the gateway's spec and the connection's params. */
    static Packet agentOpen(Packet clientOpen, UUID id, ResolvedConnection connection, ConnectionType type, Verb verb) {
        Packet.Builder open = Packet.newBuilder().setType(AgentPacket.SESSION_OPEN).setPayload(clientOpen.getPayload());
        clientOpen.getSpecMap().forEach((key, value) -> {
            if (!gatewayOnly(key)) {
                open.putSpec(key, value);
            }
        });
        open.putSpec(GATEWAY_SESSION_ID, ByteString.copyFromUtf8(id.toString()))
                .putSpec(GATEWAY_CONNECTION_NAME, ByteString.copyFromUtf8(connection.name()))
                .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(type.wireName()))
                .putSpec(GATEWAY_VERB, ByteString.copyFromUtf8(verb.wireName()))
                .putSpec(AGENT_CONNECTION_PARAMS, ByteString.copyFrom(connection.params().toJson()));
        if (connection.masking() != null) {
            open.putSpec(SpecKey.MASKING_CONFIG, ByteString.copyFromUtf8(connection.masking().config()))
                    .putSpec(SpecKey.MASKING_HASH_KEY, ByteString.copyFromUtf8(Base64.getEncoder().encodeToString(connection.masking().hashKey())));
        }
        return open.build();
    }

    /** A client's packet as the agent gets it: without the keys only the gateway sets, with the session id. */
    static Packet stampedForAgent(Packet packet, ByteString idBytes) {
        Packet.Builder builder = packet.toBuilder();
        for (String key : packet.getSpecMap().keySet()) {
            if (gatewayOnly(key)) {
                builder.removeSpec(key);
            }
        }
        return builder.putSpec(GATEWAY_SESSION_ID, idBytes).build();
    }

    /** The agent's SessionOpenOK as the client gets it: the client chooses its local listener by the connection's type. */
    static Packet openOkForClient(Packet openOk, UUID id, ResolvedConnection connection, ConnectionType type) {
        return openOk.toBuilder()
                .putSpec(GATEWAY_SESSION_ID, ByteString.copyFromUtf8(id.toString()))
                .putSpec(GATEWAY_CONNECTION_NAME, ByteString.copyFromUtf8(connection.name()))
                .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(type.wireName()))
                .build();
    }

    /** Tells the agent to free the session. */
    static Packet agentClose(UUID id) {
        return Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null);
    }

    /** Ends the client's session with {@code reason}. */
    static Packet clientClose(UUID id, String reason) {
        return Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), reason.getBytes(StandardCharsets.UTF_8));
    }

    /** The agent's {@code client.exit_code}, or null when it sent none or no number. */
    static Integer exitCode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
