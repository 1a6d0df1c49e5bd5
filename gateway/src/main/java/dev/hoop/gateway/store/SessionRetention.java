package dev.hoop.gateway.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Deletes sessions older than a cutoff with their events and seals ({@code ON DELETE CASCADE}),
 * in batches, and records each deletion in {@code audit_deletions} in the same transaction.
 * Open sessions are never deleted.
 */
public final class SessionRetention {
    /** One batch: the deleted sessions' ids and how many events went with them. */
    public record Batch(List<UUID> sessionIds, long events) {}

    /** A recorded deletion, as {@code audit_deletions} keeps it. */
    public record Deletion(Instant deletedAt, Instant cutoff, int retentionDays, long sessions, long events) {}

    private final Jdbc jdbc;

    public SessionRetention(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** Deletes at most {@code limit} ended sessions started before {@code cutoff}, and records it when any were. */
    public Batch deleteBefore(Instant cutoff, int retentionDays, Instant now, int limit) {
        return jdbc.transaction(c -> {
            List<UUID> ids = Jdbc.query(c, "SELECT id FROM sessions WHERE started_at < ? AND status <> 'open' ORDER BY started_at LIMIT ? "
                    + "FOR UPDATE SKIP LOCKED", rs -> rs.getObject(1, UUID.class), cutoff.atOffset(ZoneOffset.UTC), limit);
            if (ids.isEmpty()) {
                return new Batch(List.of(), 0);
            }
            UUID[] array = ids.toArray(UUID[]::new);
            long events = Jdbc.query(c, "SELECT count(*) FROM session_events WHERE session_id = ANY (?)", rs -> rs.getLong(1),
                    c.createArrayOf("uuid", array)).getFirst();
            Jdbc.update(c, "DELETE FROM sessions WHERE id = ANY (?)", c.createArrayOf("uuid", array));
            Jdbc.update(c, "INSERT INTO audit_deletions (deleted_at, cutoff, retention_days, sessions_deleted, events_deleted) VALUES (?, ?, ?, ?, ?)",
                    now.atOffset(ZoneOffset.UTC), cutoff.atOffset(ZoneOffset.UTC), retentionDays, (long) ids.size(), events);
            return new Batch(List.copyOf(ids), events);
        });
    }

    /** The recorded deletions, newest first. */
    public List<Deletion> deletions(int limit) {
        return jdbc.query("SELECT deleted_at, cutoff, retention_days, sessions_deleted, events_deleted FROM audit_deletions ORDER BY id DESC LIMIT ?",
                rs -> new Deletion(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                        rs.getInt(3), rs.getLong(4), rs.getLong(5)), limit);
    }
}
