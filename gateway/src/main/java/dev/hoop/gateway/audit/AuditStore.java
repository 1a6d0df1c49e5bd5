package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import java.util.List;
import java.util.UUID;

/** Where a finished session's events go for good (the database). */
public interface AuditStore {
    /**
     * Stores every event of a session in one transaction; a session flushed twice (a crash between
     * commit and file removal) must end up stored once.
     *
     * @throws Exception when nothing was stored: the write-ahead file is kept and retried later
     */
    void store(UUID sessionId, List<AuditEvent> events) throws Exception;
}
