package dev.hoop.gateway.broker;

import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's redaction counts as the agent reports them ({@code redact.summary}, cumulative: the
 * latest wins): stored while the session runs, at most once a second and off the event loop, and
 * again when it ends. Apart from {@link ClientSession} because it throttles and orders its own
 * writes to the ledger.
 */
final class RedactionCounts {
    private static final Logger log = LoggerFactory.getLogger(RedactionCounts.class);
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final UUID sessionId;
    private final SessionLedger ledger;
    private final Executor writer;
    private volatile String latest;
    private volatile long storedAt = System.nanoTime() - EVERY_NANOS;
    private final Object storing = new Object();

    /** @param writer where a store runs while the session does (off the event loop) */
    RedactionCounts(UUID sessionId, SessionLedger ledger, Executor writer) {
        this.sessionId = sessionId;
        this.ledger = ledger;
        this.writer = writer;
    }

    /** The agent sent its counts so far; event loop, never blocks. */
    void reported(String summary) {
        latest = summary; // checked when stored
        long now = System.nanoTime();
        if (now - storedAt > EVERY_NANOS) {
            // A long connect session shows its counts while it runs, at most once a second (off the event loop).
            storedAt = now;
            writer.execute(this::store);
        }
    }

    /** Stores the latest counts; under a lock, so that a slower older write never lands after a newer one. Blocks. */
    void store() {
        synchronized (storing) {
            String counts = latest;
            if (counts == null) {
                return;
            }
            try {
                ledger.redactions(sessionId, counts);
            } catch (RuntimeException e) {
                log.warn("session {}: could not store its redaction counts", sessionId, e);
            }
        }
    }
}
