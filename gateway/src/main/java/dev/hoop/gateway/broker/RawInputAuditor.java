package dev.hoop.gateway.broker;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;

/** Records exec input and terminal keystrokes as they are. Raw TCP bytes are not recorded. */
final class RawInputAuditor implements InputAuditor {
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
            default -> { }
        }
    }
}
