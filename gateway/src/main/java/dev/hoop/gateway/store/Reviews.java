package dev.hoop.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reviews and their per-group decisions ({@code reviews}, {@code review_groups}), and the approver
 * groups of each connection (the {@code review} plugin's per-connection config). Status changes
 * are single conditional updates (or a locked read), so that two gateways or two approvers racing
 * cannot both win: an approved one-off review is claimed once ({@link #claim}), hence run once.
 */
public final class Reviews {
    public static final String PLUGIN = "review";
    public static final String ONE_OFF = "onetime";
    public static final String JIT = "jit";

    /** One approver group's decision; {@code status} PENDING until a member decides. */
    public record Group(String name, String status, UUID reviewedBy, String reviewedByEmail, OffsetDateTime reviewedAt, String reason) {}

    /**
     * A review. {@code input} is the one-off script (never for jit); {@code revokeAt} is when a jit
     * grant ends (set at approval, or at revocation).
     */
    public record Review(UUID id, UUID orgId, String type, String status, UUID connectionId, String connectionName, String input,
                         Integer durationSec, UUID createdBy, String createdByEmail, OffsetDateTime createdAt, OffsetDateTime decidedAt,
                         OffsetDateTime revokeAt, String revokedByEmail, OffsetDateTime revokedAt, UUID sessionId, List<Group> groups) {
        public boolean jit() {
            return JIT.equals(type);
        }

        /** The groups that still have to decide. */
        public List<String> pendingGroups() {
            return groups.stream().filter(g -> "PENDING".equals(g.status())).map(Group::name).toList();
        }

        /** The rejecting group's reason (for the requester), or null. */
        public Optional<Group> rejection() {
            return groups.stream().filter(g -> "REJECTED".equals(g.status())).findFirst();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final String SELECT = "SELECT id, org_id, type, status, connection_id, connection_name, input, duration_sec, created_by, "
            + "created_by_email, created_at, decided_at, revoke_at, revoked_by_email, revoked_at, session_id FROM reviews ";
    private final Jdbc jdbc;

    public Reviews(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** Reviews of every org waiting for a decision (/metrics). */
    public long pendingCount() {
        return jdbc.one("SELECT count(*) FROM reviews WHERE status = 'PENDING'", rs -> rs.getLong(1)).orElse(0L);
    }

    /** The approver groups of a connection: empty when it needs no review. */
    public List<String> approverGroups(UUID orgId, UUID connectionId) {
        return jdbc.one("SELECT pc.config::text FROM plugin_connections pc JOIN plugins p ON p.id = pc.plugin_id "
                        + "WHERE p.org_id = ? AND p.name = ? AND pc.connection_id = ?", rs -> parse(rs.getString(1)), orgId, PLUGIN, connectionId)
                .orElse(List.of());
    }

    /** Sets (empty: removes) the approver groups of one connection, keeping the other connections' configs. */
    public void setApproverGroups(UUID orgId, UUID connectionId, List<String> groups) {
        jdbc.transaction(c -> {
            UUID pid = Jdbc.query(c, "INSERT INTO plugins (org_id, name) VALUES (?, ?) ON CONFLICT (org_id, name) "
                    + "DO UPDATE SET name = EXCLUDED.name RETURNING id", rs -> rs.getObject(1, UUID.class), orgId, PLUGIN).getFirst();
            Jdbc.update(c, "DELETE FROM plugin_connections WHERE plugin_id = ? AND connection_id = ?", pid, connectionId);
            if (!groups.isEmpty()) {
                Jdbc.update(c, "INSERT INTO plugin_connections (plugin_id, connection_id, org_id, config) VALUES (?, ?, ?, ?::jsonb)",
                        pid, connectionId, orgId, json(groups));
            }
            return null;
        });
    }

    public Review create(UUID orgId, String type, UUID connectionId, String connectionName, String input, Integer durationSec,
                         UUID createdBy, String createdByEmail, List<String> groups) {
        UUID id = jdbc.transaction(c -> {
            UUID rid = Jdbc.query(c, "INSERT INTO reviews (org_id, type, connection_id, connection_name, input, duration_sec, created_by, "
                            + "created_by_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", rs -> rs.getObject(1, UUID.class),
                    orgId, type, connectionId, connectionName, input, durationSec, createdBy, createdByEmail).getFirst();
            for (String g : groups) {
                Jdbc.update(c, "INSERT INTO review_groups (review_id, org_id, group_name) VALUES (?, ?, ?)", rid, orgId, g);
            }
            return rid;
        });
        return find(orgId, id).orElseThrow();
    }

    public Optional<Review> find(UUID orgId, UUID id) {
        return one(SELECT + "WHERE org_id = ? AND id = ?", orgId, id);
    }

    /**
     * Newest first. {@code requester} null: every review of the org; {@code status} null: any.
     */
    public List<Review> list(UUID orgId, UUID requester, String status, int limit) {
        List<Object> args = new ArrayList<>(List.of(orgId));
        StringBuilder sql = new StringBuilder(SELECT + "WHERE org_id = ?");
        if (requester != null) {
            sql.append(" AND created_by = ?");
            args.add(requester);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        sql.append(" ORDER BY created_at DESC LIMIT ?");
        args.add(limit);
        return all(sql.toString(), args.toArray());
    }

    /**
     * Records the decision of {@code groups} (those of the approver still pending) and settles the
     * review: one rejection rejects it, all approvals approve it (a jit grant then runs from now for
     * its duration). Nothing changes unless the review is PENDING.
     *
     * @return the review after the decision, or empty when it does not exist
     */
    public Optional<Review> decide(UUID orgId, UUID id, List<String> groups, boolean approve, UUID by, String byEmail, String reason) {
        boolean found = jdbc.transaction(c -> {
            List<String> status = Jdbc.query(c, "SELECT status FROM reviews WHERE org_id = ? AND id = ? FOR UPDATE", rs -> rs.getString(1), orgId, id);
            if (status.isEmpty()) {
                return false;
            }
            if (!"PENDING".equals(status.getFirst())) {
                return true;
            }
            Jdbc.update(c, "UPDATE review_groups SET status = ?, reviewed_by = ?, reviewed_by_email = ?, reviewed_at = now(), reason = ? "
                    + "WHERE review_id = ? AND status = 'PENDING' AND group_name = ANY (?)", approve ? "APPROVED" : "REJECTED", by, byEmail,
                    reason, id, c.createArrayOf("text", groups.toArray()));
            Jdbc.update(c, "UPDATE reviews SET status = CASE WHEN r.rejected > 0 THEN 'REJECTED' ELSE 'APPROVED' END, decided_at = now(), "
                    + "revoke_at = CASE WHEN r.rejected = 0 AND type = 'jit' THEN now() + make_interval(secs => duration_sec) END "
                    + "FROM (SELECT count(*) FILTER (WHERE status = 'REJECTED') AS rejected, count(*) FILTER (WHERE status = 'PENDING') AS pending "
                    + "FROM review_groups WHERE review_id = ?) r WHERE id = ? AND (r.rejected > 0 OR r.pending = 0)", id, id);
            return true;
        });
        return found ? find(orgId, id) : Optional.empty();
    }

    /** APPROVED → PROCESSING for a one-off review: true for exactly one caller. */
    public boolean claim(UUID orgId, UUID id) {
        return jdbc.update("UPDATE reviews SET status = 'PROCESSING' WHERE org_id = ? AND id = ? AND status = 'APPROVED' AND type = 'onetime'",
                orgId, id) == 1;
    }

    /** PROCESSING → APPROVED: the claimed review's session could not open (its agent offline), so it may run later. */
    public void unclaim(UUID id) {
        jdbc.update("UPDATE reviews SET status = 'APPROVED' WHERE id = ? AND status = 'PROCESSING' AND session_id IS NULL", id);
    }

    /** The session that runs a claimed review. */
    public void ranIn(UUID id, UUID sessionId) {
        jdbc.update("UPDATE reviews SET session_id = ? WHERE id = ?", sessionId, id);
    }

    /** PROCESSING → EXECUTED once the session running it ended. */
    public int executed(UUID sessionId) {
        return jdbc.update("UPDATE reviews SET status = 'EXECUTED' WHERE session_id = ? AND status = 'PROCESSING'", sessionId);
    }

    /** At start: reviews whose session ended while the gateway was down (the orphaned sessions) are executed. */
    public int settleProcessing() {
        return jdbc.update("UPDATE reviews r SET status = 'EXECUTED' FROM sessions s WHERE r.session_id = s.id AND r.status = 'PROCESSING' "
                + "AND s.ended_at IS NOT NULL");
    }

    /** The user's approved, unexpired jit grant on the connection. */
    public Optional<Review> activeGrant(UUID orgId, UUID userId, UUID connectionId) {
        return one(SELECT + "WHERE org_id = ? AND created_by = ? AND connection_id = ? AND type = 'jit' AND status = 'APPROVED' "
                + "AND revoke_at > now() ORDER BY revoke_at DESC LIMIT 1", orgId, userId, connectionId);
    }

    /** The user's jit request on the connection still waiting for its approvers. */
    public Optional<Review> pendingGrant(UUID orgId, UUID userId, UUID connectionId) {
        return one(SELECT + "WHERE org_id = ? AND created_by = ? AND connection_id = ? AND type = 'jit' AND status = 'PENDING' "
                + "ORDER BY created_at DESC LIMIT 1", orgId, userId, connectionId);
    }

    /** Every approved jit grant not yet expired, in every org (their ends are scheduled at start). */
    public List<Review> unexpiredGrants() {
        return all(SELECT + "WHERE type = 'jit' AND status = 'APPROVED' AND revoke_at > now()");
    }

    /** APPROVED → REVOKED for a jit grant: it ends now. */
    public Optional<Review> revoke(UUID orgId, UUID id, String byEmail) {
        int n = jdbc.update("UPDATE reviews SET status = 'REVOKED', revoke_at = now(), revoked_at = now(), revoked_by_email = ? "
                + "WHERE org_id = ? AND id = ? AND type = 'jit' AND status = 'APPROVED'", byEmail, orgId, id);
        return n == 1 ? find(orgId, id) : Optional.empty();
    }

    /** Rows are mapped without their groups (no second connection while the first is held), then completed. */
    private Optional<Review> one(String sql, Object... args) {
        return all(sql, args).stream().findFirst();
    }

    private List<Review> all(String sql, Object... args) {
        return jdbc.query(sql, Reviews::map, args).stream().map(r -> new Review(r.id(), r.orgId(), r.type(), r.status(), r.connectionId(),
                r.connectionName(), r.input(), r.durationSec(), r.createdBy(), r.createdByEmail(), r.createdAt(), r.decidedAt(), r.revokeAt(),
                r.revokedByEmail(), r.revokedAt(), r.sessionId(), groups(r.id()))).toList();
    }

    private static Review map(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        int duration = rs.getInt("duration_sec");
        Integer durationSec = rs.wasNull() ? null : duration;
        return new Review(id, rs.getObject("org_id", UUID.class), rs.getString("type"), rs.getString("status"),
                rs.getObject("connection_id", UUID.class), rs.getString("connection_name"), rs.getString("input"), durationSec,
                rs.getObject("created_by", UUID.class), rs.getString("created_by_email"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("decided_at", OffsetDateTime.class), rs.getObject("revoke_at", OffsetDateTime.class),
                rs.getString("revoked_by_email"), rs.getObject("revoked_at", OffsetDateTime.class), rs.getObject("session_id", UUID.class),
                List.of());
    }

    private List<Group> groups(UUID reviewId) {
        return jdbc.query("SELECT group_name, status, reviewed_by, reviewed_by_email, reviewed_at, reason FROM review_groups "
                + "WHERE review_id = ? ORDER BY group_name", rs -> new Group(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class),
                rs.getString(4), rs.getObject(5, OffsetDateTime.class), rs.getString(6)), reviewId);
    }

    private static String json(List<String> v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> parse(String v) {
        try {
            List<String> out = JSON.readValue(v, STRINGS);
            return out == null ? List.of() : out;
        } catch (JsonProcessingException | ClassCastException e) {
            throw new StoreException("plugin_connections.config of the review plugin is not a list of strings: " + v, e);
        }
    }
}
