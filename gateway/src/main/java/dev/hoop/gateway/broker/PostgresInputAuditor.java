package dev.hoop.gateway.broker;

import dev.hoop.common.pgwire.StatementEvent;
import dev.hoop.common.pgwire.StatementExtractor;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Records what a PostgreSQL session runs: every simple-protocol query as typed, and every
 * extended-protocol execution as its prepared SQL with the bound parameters. A statement of any
 * size is recorded by its first {@code recordedBytes} bytes, its length and its SHA-256 (see
 * {@link StatementExtractor}); memory per client socket stays bounded. Raw protocol bytes (row
 * data, COPY data, passwords) are not recorded. One {@link StatementExtractor} per client socket,
 * since each socket is its own PostgreSQL connection.
 *
 * <p>One {@code hoop connect} carries many client sockets (pgbench, an application's pool): each gets
 * a number, from 1 in the order the session first sees it, and its statements, its opening and its
 * end are recorded with that number, so a recording reads per client connection. The gateway
 * numbers them rather than trusting the client's ids, which any client may choose.
 */
final class PostgresInputAuditor implements InputAuditor {
    /** Prepared statements' SQL (and names) kept per client socket for their Bind lines; the least recently used go first. */
    static final int PREPARED_BUDGET_CHARS = 8 * 1024 * 1024;

    private final int recordedBytes;
    private final Map<String, Connection> connections = new HashMap<>();
    private long lastNumber;

    PostgresInputAuditor(int recordedBytes) {
        this.recordedBytes = recordedBytes;
    }

    /** One client socket's parsing state: the extractor and its prepared statements by name. */
    static final class Connection {
        final long number;
        final StatementExtractor extractor;
        /** Statement name to its SQL as recorded, least recently used first. */
        final LinkedHashMap<String, Prepared> prepared = new LinkedHashMap<>(16, 0.75f, true);
        long preparedChars;

        Connection(long number, int recordedBytes) {
            this.number = number;
            extractor = new StatementExtractor(recordedBytes);
        }
    }

    /** A parsed statement's recorded SQL, and whether a Bind line has shown it yet. */
    static final class Prepared {
        final String sql;
        boolean bound;

        Prepared(String sql) {
            this.sql = sql;
        }
    }

    @Override
    public void opened(SessionRecording recording, Packet open) {
        // a connect session's open carries no input
    }

    @Override
    public synchronized void fromClient(SessionRecording recording, Packet packet) {
        String id = String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID));
        if (packet.getType().equals(AgentPacket.CLOSE_TCP_CONNECTION)) {
            Connection gone = connections.remove(id);
            if (gone != null) {
                recording.connectionClosed(gone.number);
            }
            return;
        }
        if (!packet.getType().equals(AgentPacket.PG_CONNECTION_WRITE)) {
            return;
        }
        Connection connection = connections.get(id);
        if (connection == null) {
            connection = new Connection(++lastNumber, recordedBytes);
            connections.put(id, connection);
            recording.connectionOpened(connection.number);
        }
        for (StatementEvent event : connection.extractor.feed(packet.getPayload().toByteArray())) {
            for (String line : describe(connection, event)) {
                recording.input(connection.number, line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public synchronized void closed(SessionRecording recording) {
        // the session ends with these still open: their ends are the session's
        connections.values().stream().mapToLong(c -> c.number).sorted().forEach(recording::connectionClosed);
        connections.clear();
    }

    /** The audit lines for an event: none when the event is not recorded by itself. */
    static List<String> describe(Connection connection, StatementEvent event) {
        return switch (event) {
            case StatementEvent.Query q -> List.of(q.sql().describe());
            case StatementEvent.Parse p -> prepare(connection, p); // recorded when executed, with its parameters
            case StatementEvent.Bind b -> {
                Prepared prepared = connection.prepared.get(b.statement());
                String sql;
                if (prepared == null) {
                    sql = "<prepared statement '" + b.statement() + "'>";
                } else {
                    prepared.bound = true;
                    sql = prepared.sql;
                }
                yield List.of(b.parameters().isEmpty() ? sql : sql + " -- parameters: " + parameters(b.parameters()));
            }
            case StatementEvent.Cancel c -> List.of("-- cancel request for backend " + c.processId());
            case StatementEvent.Malformed m -> List.of("-- the client broke the PostgreSQL protocol: " + m.reason());
            case StatementEvent.Startup s -> List.of();
            case StatementEvent.Execute e -> List.of();
        };
    }

    /**
     * Keeps a parsed statement's SQL for its Bind lines. When the budget is spent, the least recently
     * used statements are forgotten; one never bound is recorded as it goes, so no SQL that may still
     * run goes unrecorded.
     */
    private static List<String> prepare(Connection connection, StatementEvent.Parse parse) {
        String sql = parse.sql().describe();
        Prepared old = connection.prepared.remove(parse.statement());
        if (old != null) {
            connection.preparedChars -= cost(parse.statement(), old);
        }
        Prepared added = new Prepared(sql);
        connection.prepared.put(parse.statement(), added);
        connection.preparedChars += cost(parse.statement(), added);
        List<String> lines = new ArrayList<>(0);
        for (Iterator<Map.Entry<String, Prepared>> it = connection.prepared.entrySet().iterator();
                connection.preparedChars > PREPARED_BUDGET_CHARS && it.hasNext(); ) {
            Map.Entry<String, Prepared> eldest = it.next();
            if (eldest.getKey().equals(parse.statement())) {
                continue;
            }
            it.remove();
            connection.preparedChars -= cost(eldest.getKey(), eldest.getValue());
            if (!eldest.getValue().bound) {
                lines.add("-- prepared statement '" + eldest.getKey() + "', not yet executed: " + eldest.getValue().sql);
            }
        }
        return lines;
    }

    /** What an entry counts against the budget: its texts and a fixed share for the objects (so many empty ones count too). */
    private static long cost(String name, Prepared prepared) {
        return name.length() + prepared.sql.length() + 64;
    }

    private static String parameters(List<StatementEvent.Parameter> values) {
        return values.stream().map(StatementEvent.Parameter::describe).collect(Collectors.joining(", ", "[", "]"));
    }
}
