package dev.hoop.gateway.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.common.pgwire.BackendResults;
import dev.hoop.common.pgwire.BackendResults.Result;
import dev.hoop.common.pgwire.StatementEvent;
import dev.hoop.common.pgwire.StatementExtractor;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
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
 *
 * <p>For the timeline, the server's answers are read too ({@link BackendResults}): each statement's
 * CommandComplete or ErrorResponse is recorded as a result event ({@code r}) naming the input
 * event it answers by its position among the session's input events. Per socket the answers come
 * in the order of the statements: a simple query is answered up to its ReadyForQuery (all its
 * command tags, the first error), an extended-protocol execution by its own CommandComplete or
 * ErrorResponse; after an error the server skips the rest of the batch up to Sync, which the
 * ReadyForQuery marks, so the executions still waiting then are recorded as not run.
 */
final class PostgresInputAuditor implements InputAuditor {
    /** Prepared statements' SQL (and names) kept per client socket for their Bind lines; the least recently used go first. */
    static final int PREPARED_BUDGET_CHARS = 8 * 1024 * 1024;

    /** Statements awaiting their result per socket at most; older ones are forgotten (their results are not recorded). */
    static final int PENDING_LIMIT = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int recordedBytes;
    private final Map<String, Connection> connections = new HashMap<>();
    private long lastNumber;
    /** Input events recorded so far in the session: the next one's position. */
    private long inputs;

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

        /** The server's side of the socket, read for results. */
        final BackendResults results = new BackendResults(true);
        /** Recorded statements awaiting their result, oldest first. */
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        /** An execution failed: the server skips to the batch's Sync. */
        boolean failedBatch;
        /** The first ReadyForQuery ends the login; it answers no statement. */
        boolean loggedIn;

        Connection(long number, int recordedBytes) {
            this.number = number;
            extractor = new StatementExtractor(recordedBytes);
        }
    }

    /** A recorded statement awaiting its result; a simple query collects its tags until ReadyForQuery. */
    static final class Pending {
        final long input;
        final boolean simpleQuery;
        final List<String> tags = new ArrayList<>(1);
        long rows = -1;
        String error;

        Pending(long input, boolean simpleQuery) {
            this.input = input;
            this.simpleQuery = simpleQuery;
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
            List<String> lines = describe(connection, event);
            for (String line : lines) {
                recording.input(connection.number, line.getBytes(StandardCharsets.UTF_8));
                inputs++;
            }
            if (!lines.isEmpty() && (event instanceof StatementEvent.Query || event instanceof StatementEvent.Bind)) {
                if (connection.pending.size() == PENDING_LIMIT) {
                    connection.pending.poll();
                }
                connection.pending.add(new Pending(inputs - 1, event instanceof StatementEvent.Query));
            }
        }
    }

    @Override
    public synchronized void fromAgent(SessionRecording recording, Packet packet) {
        if (!packet.getType().equals(ClientPacket.PG_CONNECTION_WRITE)) {
            return;
        }
        // only sockets the client opened: an agent cannot make the gateway keep state for ids of its own
        Connection connection = connections.get(String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID)));
        if (connection == null) {
            return;
        }
        // read in place: row and COPY data are skipped by length, never copied
        for (Result result : connection.results.feed(packet.getPayload().asReadOnlyByteBuffer())) {
            for (byte[] json : answer(connection, result)) {
                recording.result(connection.number, json);
            }
        }
    }

    /** The result events a server message completes: none until a statement's answer is whole. */
    static List<byte[]> answer(Connection connection, Result result) {
        Pending head = connection.pending.peek();
        List<byte[]> out = new ArrayList<>(0);
        switch (result) {
            case Result.Complete c -> {
                if (head != null) {
                    head.tags.add(c.tag());
                    if (c.rows() >= 0) {
                        head.rows = Math.max(head.rows, 0) + c.rows();
                    }
                    if (!head.simpleQuery) {
                        out.add(json(connection.pending.poll(), null));
                    }
                }
            }
            case Result.Empty e -> {
                if (head != null && !head.simpleQuery) {
                    out.add(json(connection.pending.poll(), null));
                }
            }
            case Result.Failed f -> {
                if (head == null) {
                    out.add(json(null, f.describe())); // e.g. a failed login: answers no statement
                } else if (head.simpleQuery) {
                    if (head.error == null) {
                        head.error = f.describe();
                    }
                } else {
                    head.error = f.describe();
                    out.add(json(connection.pending.poll(), null));
                    connection.failedBatch = true;
                }
            }
            case Result.Ready r -> {
                if (!connection.loggedIn) {
                    connection.loggedIn = true;
                } else if (head != null && head.simpleQuery) {
                    out.add(json(connection.pending.poll(), null));
                } else {
                    // the batch up to Sync is done: executions without an answer did not run
                    while ((head = connection.pending.peek()) != null && !head.simpleQuery) {
                        out.add(json(connection.pending.poll(), connection.failedBatch
                                ? "not run: an earlier statement of the same batch failed" : "not run: no Execute before Sync"));
                    }
                }
                connection.failedBatch = false;
            }
        }
        return out;
    }

    /**
     * {@code {"statement":N,"tag":"SELECT 3","rows":3}}, {@code {"statement":N,"error":"ERROR 42P01: …"}} or
     * {@code {"statement":N,"skipped":"not run: …"}}; without a statement, {@code note} is an error that answers none.
     */
    private static byte[] json(Pending p, String note) {
        ObjectNode node = JSON.createObjectNode();
        if (p != null) {
            node.put("statement", p.input);
            if (!p.tags.isEmpty()) {
                node.put("tag", String.join("; ", p.tags));
            }
            if (p.rows >= 0) {
                node.put("rows", p.rows);
            }
        }
        if (p != null && p.error != null) {
            node.put("error", p.error);
        } else if (p == null && note != null) {
            node.put("error", note);
        } else if (note != null) {
            node.put("skipped", note);
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
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
