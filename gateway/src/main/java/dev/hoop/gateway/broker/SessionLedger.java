package dev.hoop.gateway.broker;

import dev.hoop.gateway.store.Sessions;
import java.time.Instant;
import java.util.UUID;

/** Keeps the session rows (backed by the database): one row per session, opened then closed. */
public interface SessionLedger {
    record Opened(UUID id, SessionUser user, ResolvedConnection connection, String verb, Instant startedAt) {
        /** For ledgers outside this package (webhooks). */
        public String connectionName() {
            return connection.name();
        }

        public String connectionType() {
            return connection.type();
        }
    }

    void opened(Opened session);

    /**
     * @param exitCode the remote exit code, or null when there is none (connect sessions, failures)
     * @param error    why the session ended abnormally, or null
     */
    void closed(UUID id, Integer exitCode, String error, Instant endedAt);

    /**
     * The session's redaction counts as the agent reported them (JSON, checked by the store); kept by stores that can.
     * A ledger that wraps another must pass this on (a missed delegation once lost every count).
     */
    default void redactions(UUID id, String summaryJson) {
    }

    /** The ledger on the {@code sessions} table. (The store knows nothing of the broker: the arrow points this way.) */
    static SessionLedger storedIn(Sessions sessions) {
        return new SessionLedger() {
            @Override
            public void opened(Opened s) {
                sessions.opened(s.id(), s.user().orgId(), s.user().id(), s.user().email(), s.connection().name(), s.connection().type(),
                        s.verb(), s.startedAt());
            }

            @Override
            public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
                sessions.closed(id, exitCode, error, endedAt);
            }

            @Override
            public void redactions(UUID id, String summaryJson) {
                sessions.redactions(id, summaryJson);
            }
        };
    }
}
