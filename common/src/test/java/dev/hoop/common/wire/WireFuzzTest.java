package dev.hoop.common.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes how a received packet is decoded on either side: the protobuf {@link Packet} itself, its
 * spec values ({@link Wire#spec}) and the JSON of {@code agent.connection_params}
 * ({@link ConnectionParams#fromJson}). Properties: only the documented exceptions, round trips, and
 * the connection's secrets (env values) never in {@link ConnectionParams#toString()}.
 */
class WireFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void connectionParams(byte[] json) {
        ConnectionParams params;
        try {
            params = ConnectionParams.fromJson(json);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("malformed " + SpecKey.AGENT_CONNECTION_PARAMS + ": ");
            return;
        }
        assertThat(params).isNotNull();
        assertThat(params.command()).doesNotContainNull();
        assertThat(params.envs()).doesNotContainKey(null).doesNotContainValue(null);
        assertThat(ConnectionParams.fromJson(params.toJson())).isEqualTo(params);
        // toString() is made of the non-secret parts only: no env value can appear in it, whatever its
        // text (a heuristic "value not in text" check gave false findings, e.g. a value "=[KEY").
        assertThat(params.toString()).isEqualTo("ConnectionParams[name=" + params.name() + ", type=" + params.type()
                + ", command=" + params.command() + ", envs=" + params.envs().keySet() + "]");
    }

    @FuzzTest(maxDuration = "15s")
    void receivedPacket(byte[] bytes) {
        Packet p;
        try {
            p = Packet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        for (String key : p.getSpecMap().keySet()) {
            assertThat(Wire.spec(p, key)).isNotNull();
        }
        assertThat(Wire.spec(p, "absent." + p.getSpecCount())).isNull();
        String raw = Wire.spec(p, SpecKey.AGENT_CONNECTION_PARAMS);
        if (raw != null) {
            try {
                ConnectionParams.fromJson(p.getSpecMap().get(SpecKey.AGENT_CONNECTION_PARAMS).toByteArray());
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).startsWith("malformed ");
            }
        }
    }

    @FuzzTest(maxDuration = "15s")
    void specRoundTrip(FuzzedDataProvider data) throws InvalidProtocolBufferException {
        String type = data.consumeString(20);
        Map<String, String> spec = new LinkedHashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            spec.put(utf8(data.consumeString(20)), utf8(data.consumeString(60)));
        }
        byte[] payload = data.consumeBoolean() ? null : data.consumeRemainingAsBytes();

        Packet received = Packet.parseFrom(Wire.packet(type, spec, payload).toByteArray());

        assertThat(received.getType()).isEqualTo(utf8(type));
        assertThat(received.getSpecCount()).isEqualTo(spec.size());
        spec.forEach((k, v) -> assertThat(Wire.spec(received, k)).isEqualTo(v));
        assertThat(received.getPayload().toByteArray()).isEqualTo(payload == null ? new byte[0] : payload);
    }

    @FuzzTest(maxDuration = "15s")
    void connectionParamsRoundTrip(FuzzedDataProvider data) {
        Map<String, String> envs = new LinkedHashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            envs.put(utf8(data.consumeString(12)), "secret-" + utf8(data.consumeString(30)));
        }
        ConnectionParams params = new ConnectionParams(utf8(data.consumeString(20)), utf8(data.consumeString(12)),
                List.of(utf8(data.consumeString(20)), utf8(data.consumeString(20))), envs);

        assertThat(ConnectionParams.fromJson(params.toJson())).isEqualTo(params);
        assertThat(params.toString()).doesNotContain("secret-");
    }

    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
