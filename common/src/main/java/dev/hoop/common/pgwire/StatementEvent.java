package dev.hoop.common.pgwire;

import java.util.ArrayList;
import java.util.Collections;
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

    /** A simple-protocol Query: one or more statements as the client typed them. */
    record Query(String sql) implements StatementEvent {
        @Override
        public String text() {
            return sql;
        }
    }

    /** An extended-protocol Parse; {@code statement} is empty for the unnamed statement. */
    record Parse(String statement, String sql) implements StatementEvent {
        @Override
        public String text() {
            return (statement.isEmpty() ? "parse: " : "parse " + statement + ": ") + sql;
        }
    }

    /**
     * An extended-protocol Bind. Each parameter is its text when sent in text format, lowercase hex
     * when sent in binary format, and null for SQL NULL.
     */
    record Bind(String portal, String statement, List<String> parameters) implements StatementEvent {
        public Bind {
            parameters = Collections.unmodifiableList(new ArrayList<>(parameters)); // allows nulls
        }

        @Override
        public String text() {
            return "bind " + (portal.isEmpty() ? "" : portal + " ") + "to " + (statement.isEmpty() ? "unnamed" : statement)
                    + ": [" + parameters.stream().map(p -> p == null ? "NULL" : "'" + p + "'").collect(Collectors.joining(", ")) + "]";
        }
    }

    /** An extended-protocol Execute; {@code maxRows} 0 means all rows. */
    record Execute(String portal, int maxRows) implements StatementEvent {
        @Override
        public String text() {
            return "execute" + (portal.isEmpty() ? "" : " " + portal) + (maxRows == 0 ? "" : " (at most " + maxRows + " rows)");
        }
    }

    /** A Query/Parse/Bind/Execute larger than the extractor's limit: reported, not buffered. */
    record Oversized(char type, int bodyLength) implements StatementEvent {
        @Override
        public String text() {
            String name = switch (type) {
                case FrontendMessages.QUERY -> "query";
                case FrontendMessages.PARSE -> "parse";
                case FrontendMessages.BIND -> "bind";
                case FrontendMessages.EXECUTE -> "execute";
                default -> "message '" + FrontendFramer.printable(type) + "'";
            };
            return name + " of " + bodyLength + " bytes, over the audit limit: not recorded";
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
