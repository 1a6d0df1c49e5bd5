package dev.hoop.agent.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the decoding of {@code AgentTerminalResizeTTY} payloads: any bytes give a size in range or
 * {@link IllegalArgumentException}, and a decoded size re-encodes to the same size.
 */
class TtySizeFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void parse(byte[] payload) {
        TtySize size;
        try {
            size = TtySize.parse(payload);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith(e.getMessage().startsWith("terminal size ") ? "terminal size " : "malformed terminal size");
            return;
        }
        assertThat(size.rows()).isBetween(1, 10_000);
        assertThat(size.cols()).isBetween(1, 10_000);
        String json = "{\"rows\":" + size.rows() + ",\"cols\":" + size.cols() + "}";
        assertThat(TtySize.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(size);
    }
}
