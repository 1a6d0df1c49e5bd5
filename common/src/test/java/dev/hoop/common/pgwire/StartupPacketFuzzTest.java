package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes {@link StartupPacket#decode}: any bytes either decode or fail with {@link PgWireException}
 * (nothing else), and a decoded packet encodes to bytes that decode to the same packet. A cancel
 * request's secret key never shows in its text form.
 */
class StartupPacketFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] packet) {
        StartupPacket decoded;
        try {
            decoded = StartupPacket.decode(packet);
        } catch (PgWireException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        byte[] encoded = decoded.encode();
        assertThat(StartupPacket.decode(encoded)).as("re-decoded from %s", Arrays.toString(encoded)).isEqualTo(decoded);
        if (decoded instanceof StartupPacket.CancelRequest c) {
            assertThat(c.toString()).isEqualTo("CancelRequest[processId=" + c.processId() + "]"); // no key
        }
    }
}
