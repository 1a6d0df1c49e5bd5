package dev.hoop.agent.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * A terminal's size, as {@code AgentTerminalResizeTTY} carries it: the JSON {@code {"rows":R,"cols":C}}.
 */
public record TtySize(int rows, int cols) {
    public static final TtySize DEFAULT = new TtySize(24, 80);
    private static final ObjectMapper JSON = new ObjectMapper();

    public TtySize {
        if (rows < 1 || rows > 10_000 || cols < 1 || cols > 10_000) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is out of range (expected: 1 to 10000 rows and cols)");
        }
    }

    /** @throws IllegalArgumentException naming what was expected */
    public static TtySize parse(byte[] json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.path("rows").canConvertToInt() || !node.path("cols").canConvertToInt()
                || !node.path("rows").isNumber() || !node.path("cols").isNumber()) {
            throw new IllegalArgumentException("malformed terminal size (expected: JSON {\"rows\":R,\"cols\":C})");
        }
        return new TtySize(node.get("rows").intValue(), node.get("cols").intValue());
    }
}
