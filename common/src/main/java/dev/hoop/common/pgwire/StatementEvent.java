package dev.hoop.common.pgwire;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link StatementExtractor} reports from a client's stream, for the audit record.
 * {@link #text()} is the one-line form a session's event stream shows.
 */
public sealed interface StatementEvent {
    /** A human-readable line for the audit: the SQL itself for a Query, a labelled line otherwise. */
    String text();

    /** The session's StartupMessage parameters (user, database, application_name, …). */
    record Startup(Map<String, String> parameters) implements StatementEvent {
        public Startup {
            parameters = Map.copyOf(parameters);
        }

        @Override
        public String text() {
            return "startup " + new java.util.TreeMap<>(parameters).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        }
    }

    /** A CancelRequest for backend {@code processId}. */
    record Cancel(int processId) implements StatementEvent {
        @Override
        public String text() {
            return "cancel request for backend " + processId;
        }
    }

    /**
     * A statement text as recorded: its first {@code recordedBytes} bytes ({@code head}, decoded as
     * UTF-8, a character cut at the end dropped), its full length in bytes and the SHA-256 of all of
     * it (lowercase hex), computed while the text streamed past.
     */
    record Text(String head, int recordedBytes, long length, String sha256) {
        /** The whole of {@code sql}, as {@link StatementExtractor} reports a text under its limit. */
        public static Text of(String sql) {
            byte[] bytes = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new Text(sql, bytes.length, bytes.length, TextCapture.sha256(bytes));
        }

        public boolean complete() {
            return recordedBytes == length;
        }

        /** The head, then, when cut, "… -- statement of N bytes, sha256 H, first M recorded". */
        public String describe() {
            return complete() ? head
                    : head + "… -- statement of " + length + " bytes, sha256 " + sha256 + ", first " + recordedBytes + " recorded";
        }
    }

    /** A simple-protocol Query: one or more statements as the client typed them. */
    record Query(Text sql) implements StatementEvent {
        public Query(String sql) {
            this(Text.of(sql));
        }

        @Override
        public String text() {
            return sql.describe();
        }
    }

    /** An extended-protocol Parse; {@code statement} is empty for the unnamed statement. */
    record Parse(String statement, Text sql) implements StatementEvent {
        public Parse(String statement, String sql) {
            this(statement, Text.of(sql));
        }

        @Override
        public String text() {
            return (statement.isEmpty() ? "parse: " : "parse " + statement + ": ") + sql.describe();
        }
    }

    /**
     * One Bind parameter: {@code value} is its text when sent in text format, lowercase hex when
     * sent in binary format, of its first {@code recordedBytes} bytes; null for SQL NULL (length -1).
     */
    record Parameter(String value, int recordedBytes, long length) {
        public static final Parameter NULL = new Parameter(null, 0, -1);

        public static Parameter text(String value) {
            int n = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            return new Parameter(value, n, n);
        }

        public static Parameter binary(byte[] value) {
            return new Parameter(HexFormat.of().formatHex(value), value.length, value.length);
        }

        /** {@code 'value'} (quotes doubled) or NULL; a cut value ends with "…' (N bytes)". */
        public String describe() {
            if (value == null) {
                return "NULL";
            }
            String quoted = "'" + value.replace("'", "''");
            return recordedBytes == length ? quoted + "'" : quoted + "…' (" + length + " bytes)";
        }
    }

    /** An extended-protocol Bind, with its parameters in order. */
    record Bind(String portal, String statement, List<Parameter> parameters) implements StatementEvent {
        public Bind {
            parameters = List.copyOf(parameters);
        }

        @Override
        public String text() {
            return "bind " + (portal.isEmpty() ? "" : portal + " ") + "to " + (statement.isEmpty() ? "unnamed" : statement)
                    + ": [" + parameters.stream().map(Parameter::describe).collect(Collectors.joining(", ")) + "]";
        }
    }

    /** An extended-protocol Execute; {@code maxRows} 0 means all rows. */
    record Execute(String portal, int maxRows) implements StatementEvent {
        @Override
        public String text() {
            return "execute" + (portal.isEmpty() ? "" : " " + portal) + (maxRows == 0 ? "" : " (at most " + maxRows + " rows)");
        }
    }

    /** The stream broke the protocol; nothing after this point is reported. */
    record Malformed(String reason) implements StatementEvent {
        @Override
        public String text() {
            return "malformed PostgreSQL stream: " + reason;
        }
    }
}
