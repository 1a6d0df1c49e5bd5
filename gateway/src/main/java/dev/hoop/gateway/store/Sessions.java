package dev.hoop.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Sessions and their recorded events: the rows behind the broker's session ledger (one row per session,
 * opened then closed), the audit plugin's event store (events, stored once per session even
 * when flushed twice), and the queries behind {@code /api/sessions}.
 */
public final class Sessions {

    public record Session(UUID id, UUID orgId, UUID userId, String userEmail, String connectionName, String connectionType,
                          String verb, String status, Integer exitCode, String error, OffsetDateTime startedAt,
                          OffsetDateTime endedAt, long eventCount, Map<String, Long> redactions) {

        public Session(UUID id, UUID orgId, UUID userId, String userEmail, String connectionName, String connectionType,
                       String verb, String status, Integer exitCode, String error, OffsetDateTime startedAt,
                       OffsetDateTime endedAt, long eventCount) {
            this(id, orgId, userId, userEmail, connectionName, connectionType, verb, status, exitCode, error, startedAt, endedAt,
                    eventCount, Map.of());
        }
    }

    /** Filters of a listing; null fields do not filter. */
    public record Filter(UUID userId, String userEmail, String connectionName, String verb, OffsetDateTime from,
                         OffsetDateTime until, int limit, int offset) {}

    public static final String ORPHANED = "the gateway stopped during the session";
    private static final String SELECT = "SELECT s.id, s.org_id, s.user_id, s.user_email, s.connection_name, s.connection_type, s.verb, "
            + "s.status, s.exit_code, s.metadata->>'error' AS error, s.started_at, s.ended_at, s.metadata->>'redactions' AS redactions, "
            + "(SELECT count(*) FROM session_events e WHERE e.session_id = s.id) AS event_count FROM sessions s ";
    private final Jdbc jdbc;

    public Sessions(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** Inserts the row of a session that just opened (status {@code open}). */
    public void opened(UUID id, UUID orgId, UUID userId, String userEmail, String connectionName, String connectionType, String verb,
                       Instant startedAt) {
        jdbc.update("INSERT INTO sessions (id, org_id, user_id, user_email, connection_name, connection_type, verb, status, started_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                id, orgId, userId, userEmail, connectionName, connectionType, verb, utc(startedAt));
    }

    /** Marks the session done; {@code error} (may be null) is kept in the row's metadata. */
    public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
        jdbc.update("UPDATE sessions SET status = 'done', exit_code = ?, ended_at = ?, "
                        + "metadata = CASE WHEN ?::text IS NULL THEN metadata ELSE metadata || jsonb_build_object('error', ?::text) END "
                        + "WHERE id = ?",
                exitCode, utc(endedAt), error, error, id);
    }

    /**
     * Keeps the session's redaction counts (data masking) in its metadata. The agent sends them: only
     * a JSON object of info type names to counts is kept; anything else is dropped, said in the log.
     */
    public void redactions(UUID id, String summaryJson) {
        Map<String, Long> counts = redactionCounts(summaryJson);
        if (counts == null) {
            org.slf4j.LoggerFactory.getLogger(Sessions.class).warn("session {}: the agent's redaction counts are malformed; not kept", id);
            return;
        }
        try {
            jdbc.update("UPDATE sessions SET metadata = metadata || jsonb_build_object('redactions', ?::jsonb) WHERE id = ?",
                    REDACTIONS_JSON.writeValueAsString(counts), id);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper REDACTIONS_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The counts, or null when {@code json} is not an object of UPPER_CASE names (at most 64) to non-negative integers. */
    static Map<String, Long> redactionCounts(String json) {
        if (json == null || json.length() > 4096) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = REDACTIONS_JSON.readTree(json);
            if (node == null || !node.isObject() || node.size() > 64) {
                return null;
            }
            Map<String, Long> out = new java.util.TreeMap<>();
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getKey().matches("[A-Z][A-Z0-9_]{0,63}") || !e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber()
                        || e.getValue().asLong() < 0) {
                    return null;
                }
                out.put(e.getKey(), e.getValue().asLong());
            }
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** Replaces the session's events with {@code events} in one transaction. */
    public void store(UUID sessionId, List<AuditEvent> events) {
        jdbc.transaction(c -> {
            List<UUID> org = Jdbc.query(c, "SELECT org_id FROM sessions WHERE id = ?", rs -> rs.getObject(1, UUID.class), sessionId);
            if (org.isEmpty()) {
                throw new StoreException("session " + sessionId + " has no row: its events cannot be stored");
            }
            Jdbc.update(c, "DELETE FROM session_events WHERE session_id = ?", sessionId);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_events (session_id, org_id, seq, offset_ms, type, data, connection_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                long seq = 0;
                for (AuditEvent e : events) {
                    ps.setObject(1, sessionId);
                    ps.setObject(2, org.getFirst());
                    ps.setLong(3, seq++);
                    ps.setLong(4, e.offsetMillis());
                    ps.setString(5, String.valueOf(e.type()));
                    ps.setBytes(6, e.data());
                    ps.setObject(7, e.connection() == AuditEvent.NO_CONNECTION ? null : e.connection(), java.sql.Types.BIGINT);
                    ps.addBatch();
                    if (seq % 500 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * Closes sessions left open by a gateway that stopped without ending them (one gateway per
     * database: at start, every open session is an orphan).
     *
     * @return how many were closed
     */
    public int closeOrphans() {
        return jdbc.update("UPDATE sessions SET status = 'done', ended_at = now(), "
                + "metadata = metadata || jsonb_build_object('error', ?::text) WHERE status = 'open'", ORPHANED);
    }

    /** Every session still open, in every org (at start, before {@link #closeOrphans}: the ones it will close). */
    public List<Session> listOpen() {
        return jdbc.query(SELECT + "WHERE s.status = 'open' ORDER BY s.started_at", Sessions::map);
    }

    public List<Session> list(UUID orgId, Filter f) {
        StringBuilder where = new StringBuilder("WHERE s.org_id = ?");
        List<Object> args = new ArrayList<>(List.of(orgId));
        if (f.userId() != null) {
            where.append(" AND s.user_id = ?");
            args.add(f.userId());
        }
        if (f.userEmail() != null) {
            where.append(" AND lower(s.user_email) = lower(?)");
            args.add(f.userEmail());
        }
        if (f.connectionName() != null) {
            where.append(" AND s.connection_name = ?");
            args.add(f.connectionName());
        }
        if (f.verb() != null) {
            where.append(" AND s.verb = ?");
            args.add(f.verb());
        }
        if (f.from() != null) {
            where.append(" AND s.started_at >= ?");
            args.add(f.from());
        }
        if (f.until() != null) {
            where.append(" AND s.started_at < ?");
            args.add(f.until());
        }
        args.add(f.limit());
        args.add(f.offset());
        return jdbc.query(SELECT + where + " ORDER BY s.started_at DESC, s.id LIMIT ? OFFSET ?", Sessions::map, args.toArray());
    }

    public Optional<Session> find(UUID orgId, UUID id) {
        return jdbc.one(SELECT + "WHERE s.org_id = ? AND s.id = ?", Sessions::map, orgId, id);
    }

    /** The session's events in order. */
    public List<AuditEvent> events(UUID orgId, UUID id) {
        return jdbc.query("SELECT offset_ms, type, data, connection_id FROM session_events WHERE org_id = ? AND session_id = ? ORDER BY seq",
                Sessions::event, orgId, id);
    }

    /**
     * A page of the session's events in order: {@code limit} from the {@code offset}-th, of one
     * client connection only when {@code connection} is not null.
     */
    public List<AuditEvent> events(UUID orgId, UUID id, Long connection, long offset, int limit) {
        return jdbc.query("SELECT offset_ms, type, data, connection_id FROM session_events WHERE org_id = ? AND session_id = ? "
                        + "AND (?::bigint IS NULL OR connection_id = ?::bigint) ORDER BY seq LIMIT ? OFFSET ?",
                Sessions::event, orgId, id, connection, connection, limit, offset);
    }

    /** How many events {@link #events(UUID, UUID, Long, long, int)} pages through. */
    public long countEvents(UUID orgId, UUID id, Long connection) {
        return jdbc.query("SELECT count(*) FROM session_events WHERE org_id = ? AND session_id = ? "
                        + "AND (?::bigint IS NULL OR connection_id = ?::bigint)",
                rs -> rs.getLong(1), orgId, id, connection, connection).getFirst();
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        long connection = rs.getLong(4); // NULL reads as 0: no connection
        return new AuditEvent(rs.getLong(1), rs.getString(2).charAt(0), rs.getBytes(3), connection);
    }

    /** A session by id in any org (the search index's own reads; callers never hand this to a user). */
    public Optional<Session> byId(UUID id) {
        return jdbc.one(SELECT + "WHERE s.id = ?", Sessions::map, id);
    }

    /**
     * Sessions of every org in id order after {@code afterId} (null: from the start), for rebuilding the
     * search index page by page; {@code changedSince} (may be null) keeps those still open or started or
     * ended since then.
     */
    public List<Session> scan(UUID afterId, OffsetDateTime changedSince, int limit) {
        StringBuilder where = new StringBuilder("WHERE TRUE");
        List<Object> args = new ArrayList<>();
        if (afterId != null) {
            where.append(" AND s.id > ?");
            args.add(afterId);
        }
        if (changedSince != null) {
            where.append(" AND (s.ended_at IS NULL OR s.ended_at >= ? OR s.started_at >= ?)");
            args.add(changedSince);
            args.add(changedSince);
        }
        args.add(limit);
        return jdbc.query(SELECT + where + " ORDER BY s.id LIMIT ?", Sessions::map, args.toArray());
    }

    /** The events of several sessions (any org), each list in order. */
    public java.util.Map<UUID, List<AuditEvent>> eventsOf(List<UUID> ids) {
        java.util.Map<UUID, List<AuditEvent>> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        jdbc.query("SELECT session_id, offset_ms, type, data FROM session_events WHERE session_id IN (" + marks + ") ORDER BY session_id, seq",
                rs -> out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                        .add(new AuditEvent(rs.getLong(2), rs.getString(3).charAt(0), rs.getBytes(4))),
                ids.toArray());
        return out;
    }

    private static Session map(ResultSet rs) throws SQLException {
        return new Session(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getString("user_email"), rs.getString("connection_name"), rs.getString("connection_type"), rs.getString("verb"),
                rs.getString("status"), (Integer) rs.getObject("exit_code"), rs.getString("error"),
                rs.getObject("started_at", OffsetDateTime.class), rs.getObject("ended_at", OffsetDateTime.class),
                rs.getLong("event_count"), redactionsOrEmpty(rs.getString("redactions")));
    }

    private static Map<String, Long> redactionsOrEmpty(String json) {
        Map<String, Long> counts = json == null ? null : redactionCounts(json);
        return counts == null ? Map.of() : counts;
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
