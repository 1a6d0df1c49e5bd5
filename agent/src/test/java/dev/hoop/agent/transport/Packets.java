package dev.hoop.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the gateway's packets and reads the agent's, for tests. */
final class Packets {
    static final Duration WAIT = Duration.ofSeconds(20);

    private Packets() {}

    /** An open as the gateway sends it; the verb: connect for tcp and for postgres without input, else exec. */
    static Packet open(String sessionId, ConnectionParams params, String input) {
        boolean connect = params.type().equals("tcp") || params.type().equals("postgres") && input.isEmpty();
        return open(sessionId, params, connect ? Verb.CONNECT : Verb.EXEC, input);
    }

    static Packet open(String sessionId, ConnectionParams params, Verb verb, String input) {
        return Packet.newBuilder().setType(AgentPacket.SESSION_OPEN)
                .putSpec(SpecKey.GATEWAY_SESSION_ID, utf8(sessionId))
                .putSpec(SpecKey.GATEWAY_CONNECTION_NAME, utf8(params.name()))
                .putSpec(SpecKey.GATEWAY_CONNECTION_TYPE, utf8(params.type()))
                .putSpec(SpecKey.GATEWAY_VERB, utf8(verb.wireName()))
                .putSpec(SpecKey.AGENT_CONNECTION_PARAMS, ByteString.copyFrom(params.toJson()))
                .setPayload(utf8(input))
                .build();
    }

    static Packet session(String type, String sessionId, byte[] payload) {
        return Packet.newBuilder().setType(type).putSpec(SpecKey.GATEWAY_SESSION_ID, utf8(sessionId))
                .setPayload(ByteString.copyFrom(payload)).build();
    }

    static Packet connection(String type, String sessionId, String connectionId, byte[] payload) {
        return Packet.newBuilder().setType(type).putSpec(SpecKey.GATEWAY_SESSION_ID, utf8(sessionId))
                .putSpec(SpecKey.CLIENT_CONNECTION_ID, utf8(connectionId))
                .setPayload(ByteString.copyFrom(payload)).build();
    }

    static ConnectionParams command(String name, List<String> command, Map<String, String> envs) {
        return new ConnectionParams(name, "command-line", command, envs);
    }

    /** Reads packets of {@code sessionId} until its ClientSessionClose, which is the last element. */
    static List<Packet> untilClose(TestGateway.AgentLink link, String sessionId) throws InterruptedException {
        List<Packet> got = new ArrayList<>();
        while (true) {
            Packet p = link.next(WAIT);
            assertThat(Wire.spec(p, SpecKey.GATEWAY_SESSION_ID)).as("session id of %s", p.getType()).isEqualTo(sessionId);
            got.add(p);
            if (p.getType().equals(ClientPacket.SESSION_CLOSE)) {
                return got;
            }
        }
    }

    static String text(List<Packet> packets, String type) {
        StringBuilder b = new StringBuilder();
        packets.stream().filter(p -> p.getType().equals(type)).forEach(p -> b.append(p.getPayload().toStringUtf8()));
        return b.toString();
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
