package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The masking spec keys on AgentSessionOpen and the agent's redaction counts, through the real broker. */
class MaskingSpecTest extends BrokerTestBase {

    @Test
    void theConnectionsMaskingGoesToTheAgentAndTheCountsAreStored() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "masked").connect(clientIn);
        // a client cannot weaken the masking: its masking.* keys are dropped
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.MASKING_CONFIG, "types=URL",
                SpecKey.MASKING_HASH_KEY, "AAAA"), "echo x".getBytes(StandardCharsets.UTF_8)));

        Packet open = agentIn.next();
        assertThat(Wire.spec(open, SpecKey.MASKING_CONFIG)).isEqualTo("types=EMAIL_ADDRESS;format=TOKEN");
        assertThat(Wire.spec(open, SpecKey.MASKING_HASH_KEY)).isEqualTo(Base64.getEncoder().encodeToString(new byte[32]));
        String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);

        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid,
                SpecKey.REDACT_SUMMARY, "{\"EMAIL_ADDRESS\":1}"), "[EMAIL_ADDRESS]\n".getBytes(StandardCharsets.UTF_8)));
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid, SpecKey.CLIENT_EXIT_CODE, "0",
                SpecKey.REDACT_SUMMARY, "{\"EMAIL_ADDRESS\":2}"), null));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        assertThat(clientIn.next().getPayload().toStringUtf8()).isEqualTo("[EMAIL_ADDRESS]\n");
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(clientIn.ended().isOk()).isTrue();
        // the latest counts are kept when the session ends
        UUID id = UUID.fromString(sid);
        assertThat(h.closed).containsKey(id);
        assertThat(h.redactions.get(id)).isEqualTo("{\"EMAIL_ADDRESS\":2}");
        agentOut.onCompleted();
    }

    @Test
    void aConnectionWithoutMaskingSendsNoMaskingKeysEvenIfTheClientDoes() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "sh").connect(new PacketProbe());
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.MASKING_CONFIG, "types=URL"),
                "true".getBytes(StandardCharsets.UTF_8)));
        Packet open = agentIn.next();
        assertThat(open.getSpecMap()).doesNotContainKeys(SpecKey.MASKING_CONFIG, SpecKey.MASKING_HASH_KEY);
        agentOut.onCompleted();
    }
}
