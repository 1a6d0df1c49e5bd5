package dev.hoop.gateway.broker;

import dev.hoop.common.pgwire.StatementEvent;
import dev.hoop.common.pgwire.StatementExtractor;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records what a PostgreSQL session runs: every simple-protocol query as typed, and every
 * extended-protocol execution as its prepared SQL with the bound parameters. Raw protocol bytes
 * (row data, COPY data, passwords) are not recorded. One {@link StatementExtractor} per client
 * socket, since each socket is its own PostgreSQL connection.
 */
final class PostgresInputAuditor implements InputAuditor {
    private final Map<String, Connection> connections = new HashMap<>();

    /** One client socket's parsing state: the extractor and its prepared statements by name. */
    static final class Connection {
        final StatementExtractor extractor = new StatementExtractor();
        final Map<String, String> prepared = new HashMap<>();
    }

    @Override
    public void opened(SessionRecording recording, Packet open) {
        // a connect session's open carries no input
    }

    @Override
    public synchronized void fromClient(SessionRecording recording, Packet packet) {
        String id = String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID));
        if (packet.getType().equals(AgentPacket.CLOSE_TCP_CONNECTION)) {
            connections.remove(id);
            return;
        }
        if (!packet.getType().equals(AgentPacket.PG_CONNECTION_WRITE)) {
            return;
        }
        Connection connection = connections.computeIfAbsent(id, k -> new Connection());
        for (StatementEvent event : connection.extractor.feed(packet.getPayload().toByteArray())) {
            String line = describe(connection, event);
            if (line != null) {
                recording.input(line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public synchronized void closed(SessionRecording recording) {
        connections.clear();
    }

    /** The audit line for an event, or null when the event is not recorded by itself. */
    static String describe(Connection connection, StatementEvent event) {
        return switch (event) {
            case StatementEvent.Query q -> q.sql();
            case StatementEvent.Parse p -> {
                connection.prepared.put(p.statement(), p.sql());
                yield null; // recorded when executed, with its parameters
            }
            case StatementEvent.Bind b -> {
                String sql = connection.prepared.getOrDefault(b.statement(), "<prepared statement '" + b.statement() + "'>");
                yield b.parameters().isEmpty() ? sql : sql + " -- parameters: " + parameters(b.parameters());
            }
            case StatementEvent.Cancel c -> "-- cancel request for backend " + c.processId();
            case StatementEvent.Oversized o -> "-- a '" + o.type() + "' message of " + o.bodyLength() + " bytes, over the audit limit, was not recorded";
            case StatementEvent.Malformed m -> "-- the client broke the PostgreSQL protocol: " + m.reason();
            case StatementEvent.Startup s -> null;
            case StatementEvent.Execute e -> null;
        };
    }

    private static String parameters(List<String> values) {
        return values.stream().map(v -> v == null ? "NULL" : "'" + v.replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
