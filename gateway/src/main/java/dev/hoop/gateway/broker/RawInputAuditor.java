package dev.hoop.gateway.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Records exec input and terminal keystrokes as they are, and terminal resizes (for replay). Raw
 * TCP bytes are not recorded.
 */
final class RawInputAuditor implements InputAuditor {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A size is a few dozen bytes of JSON; a larger payload is not parsed, only noted. */
    static final int MAX_SIZE_BYTES = 256;
    static final int MAX_DIMENSION = 10_000;

    @Override
    public void opened(SessionRecording recording, Packet open) {
        if (!open.getPayload().isEmpty()) {
            recording.input(open.getPayload().toByteArray());
        }
    }

    @Override
    public void fromClient(SessionRecording recording, Packet packet) {
        switch (packet.getType()) {
            case AgentPacket.EXEC_WRITE_STDIN, AgentPacket.TERMINAL_WRITE_STDIN -> recording.input(packet.getPayload().toByteArray());
            case AgentPacket.TERMINAL_RESIZE_TTY -> {
                String size = terminalSize(packet.getPayload().toByteArray());
                if (size != null) {
                    recording.resize(size.getBytes(StandardCharsets.UTF_8));
                } else {
                    recording.error(("malformed terminal size of " + packet.getPayload().size()
                            + " bytes (expected: JSON {\"rows\":R,\"cols\":C}, 1 to " + MAX_DIMENSION + ")").getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> { }
        }
    }

    /** The size normalized to {@code {"rows":R,"cols":C}}, or null when the payload is not a valid one (the agent refuses it too). */
    static String terminalSize(byte[] payload) {
        if (payload.length > MAX_SIZE_BYTES) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.path("rows").isIntegralNumber() || !node.path("cols").isIntegralNumber()
                || !node.path("rows").canConvertToInt() || !node.path("cols").canConvertToInt()) {
            return null;
        }
        int rows = node.get("rows").intValue();
        int cols = node.get("cols").intValue();
        if (rows < 1 || rows > MAX_DIMENSION || cols < 1 || cols > MAX_DIMENSION) {
            return null;
        }
        return "{\"rows\":" + rows + ",\"cols\":" + cols + "}";
    }
}
