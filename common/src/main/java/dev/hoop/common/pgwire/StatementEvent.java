package dev.hoop.common.pgwire;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/** What {@link StatementExtractor} reports from a client's stream, for the audit record. */
public sealed interface StatementEvent {
    /** The session's StartupMessage parameters (user, database, application_name, …). */
    record Startup(Map<String, String> parameters) implements StatementEvent {
        public Startup {
            parameters = Map.copyOf(parameters);
        }
    }

    /** A CancelRequest for backend {@code processId}. */
    record Cancel(int processId) implements StatementEvent {
    }

    /** A simple-protocol Query: one or more statements as the client typed them. */
    record Query(String sql) implements StatementEvent {
    }

    /** An extended-protocol Parse; {@code statement} is empty for the unnamed statement. */
    record Parse(String statement, String sql) implements StatementEvent {
    }

    /**
     * An extended-protocol Bind. Each parameter is its text when sent in text format, lowercase hex
     * when sent in binary format, and null for SQL NULL.
     */
    record Bind(String portal, String statement, List<String> parameters) implements StatementEvent {
        public Bind {
            parameters = Collections.unmodifiableList(new java.util.ArrayList<>(parameters)); // allows nulls
        }
    }

    /** An extended-protocol Execute; {@code maxRows} 0 means all rows. */
    record Execute(String portal, int maxRows) implements StatementEvent {
    }

    /** A Query/Parse/Bind/Execute larger than the extractor's limit: reported, not buffered. */
    record Oversized(char type, int bodyLength) implements StatementEvent {
    }

    /** The stream broke the protocol; nothing after this point is reported. */
    record Malformed(String reason) implements StatementEvent {
    }
}
