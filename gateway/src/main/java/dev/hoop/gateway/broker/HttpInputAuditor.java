package dev.hoop.gateway.broker;

import dev.hoop.common.http.RequestLines;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Records what an http session asks for: the request line of every request (method, target,
 * version), never headers or bodies. One {@link RequestLines} per client socket, which frames the
 * bytes as the agent does, so every request the agent forwards has its line in the audit first.
 */
final class HttpInputAuditor implements InputAuditor {
    private final Map<String, RequestLines> connections = new HashMap<>();

    @Override
    public void opened(SessionRecording recording, Packet open) {
        // a connect session's open carries no input
    }

    @Override
    public synchronized void fromClient(SessionRecording recording, Packet packet) {
        String id = String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID));
        if (packet.getType().equals(AgentPacket.CLOSE_TCP_CONNECTION)) {
            RequestLines gone = connections.remove(id);
            if (gone != null) {
                gone.close();
            }
            return;
        }
        if (!packet.getType().equals(AgentPacket.HTTP_PROXY_CONNECTION_WRITE)) {
            return;
        }
        RequestLines lines = connections.computeIfAbsent(id, k -> new RequestLines());
        for (String line : lines.feed(packet.getPayload().toByteArray())) {
            recording.input(line.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public synchronized void closed(SessionRecording recording) {
        connections.values().forEach(RequestLines::close);
        connections.clear();
    }
}
