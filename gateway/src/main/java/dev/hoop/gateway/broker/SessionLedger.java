package dev.hoop.gateway.broker;

import java.time.Instant;
import java.util.UUID;

/** Keeps the session rows (backed by the database): one row per session, opened then closed. */
public interface SessionLedger {
    record Opened(UUID id, SessionUser user, ResolvedConnection connection, String verb, Instant startedAt) {}

    void opened(Opened session);

    /**
     * @param exitCode the remote exit code, or null when there is none (connect sessions, failures)
     * @param error    why the session ended abnormally, or null
     */
    void closed(UUID id, Integer exitCode, String error, Instant endedAt);
}
