package dev.hoop.gateway.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Webhook endpoints of an org, the outbox of messages to deliver, and the log of delivery attempts.
 * The outbox is shared by every gateway on the database: {@link #claimDue} leases rows with
 * {@code FOR UPDATE SKIP LOCKED}, so two gateways never deliver the same row at the same time, and a
 * gateway that dies mid-delivery leaves a lease that expires instead of a lost message.
 */
public final class Webhooks {

    /** A configured endpoint; {@link #toString()} hides the secret. */
    public record Endpoint(UUID id, UUID orgId, String name, String url, String secret, List<String> eventTypes, boolean enabled,
                           OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        /** Whether an event of {@code type} goes to this endpoint (no types: every type). */
        public boolean wants(String type) {
            return enabled && (eventTypes.isEmpty() || eventTypes.contains(type));
        }

        @Override
        public String toString() {
            return "Endpoint[id=" + id + ", name=" + name + ", secret=****]";
        }
    }

    /** A message for one destination (an endpoint, or Svix when {@code endpointId} is null). */
    public record Delivery(long id, String msgId, UUID orgId, UUID endpointId, String eventType, String payload, String status,
                           int attempts, OffsetDateTime nextAttemptAt, Integer lastStatus, String lastError, OffsetDateTime createdAt,
                           OffsetDateTime deliveredAt) {}

    /** A claimed row with what delivering it needs; {@code url}/{@code secret} are null for Svix rows. */
    public record Claimed(long id, String msgId, UUID orgId, UUID endpointId, String endpointName, String url, String secret,
                          String eventType, String payload, int attempts) {
        @Override
        public String toString() {
            return "Claimed[id=" + id + ", msgId=" + msgId + ", endpoint=" + endpointName + ", secret=****]";
        }
    }

    /** One attempt of a delivery: the HTTP status (null when none came back) or the error. */
    public record Attempt(long outboxId, int attempt, OffsetDateTime at, Integer statusCode, String error, long durationMs) {}

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    private static final String ENDPOINT = "SELECT id, org_id, name, url, secret, event_types, enabled, created_at, updated_at "
            + "FROM webhook_endpoints ";
    private static final String DELIVERY = "SELECT id, msg_id, org_id, endpoint_id, event_type, payload, status, attempts, "
            + "next_attempt_at, last_status, last_error, created_at, delivered_at FROM webhook_outbox ";
    private final Jdbc jdbc;

    public Webhooks(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** Outbox messages of every org not delivered yet, waiting for their first attempt or a retry (/metrics). */
    public long pendingCount() {
        return jdbc.one("SELECT count(*) FROM webhook_outbox WHERE status = 'pending'", rs -> rs.getLong(1)).orElse(0L);
    }

    /** @throws DuplicateException when the name exists in the org */
    public Endpoint create(UUID orgId, String name, String url, String secret, List<String> eventTypes) {
        return jdbc.query("INSERT INTO webhook_endpoints (org_id, name, url, secret, event_types) VALUES (?, ?, ?, ?, ?) "
                        + "RETURNING id, org_id, name, url, secret, event_types, enabled, created_at, updated_at",
                Webhooks::endpoint, orgId, name, url, secret, eventTypes.toArray(String[]::new)).getFirst();
    }

    public List<Endpoint> list(UUID orgId) {
        return jdbc.query(ENDPOINT + "WHERE org_id = ? ORDER BY name", Webhooks::endpoint, orgId);
    }

    /** By id or by name. */
    public Optional<Endpoint> find(UUID orgId, String idOrName) {
        UUID id = Ids.parse(idOrName);
        return id != null ? jdbc.one(ENDPOINT + "WHERE org_id = ? AND id = ?", Webhooks::endpoint, orgId, id)
                : jdbc.one(ENDPOINT + "WHERE org_id = ? AND name = ?", Webhooks::endpoint, orgId, idOrName);
    }

    /** Replaces url, event types and enabled (the secret and the name stay). */
    public Optional<Endpoint> update(UUID orgId, UUID id, String url, List<String> eventTypes, boolean enabled) {
        return jdbc.one("UPDATE webhook_endpoints SET url = ?, event_types = ?, enabled = ?, updated_at = now() WHERE org_id = ? AND id = ? "
                        + "RETURNING id, org_id, name, url, secret, event_types, enabled, created_at, updated_at",
                Webhooks::endpoint, url, eventTypes.toArray(String[]::new), enabled, orgId, id);
    }

    /** Deletes the endpoint with its pending messages and its delivery log. */
    public boolean delete(UUID orgId, UUID id) {
        return jdbc.update("DELETE FROM webhook_endpoints WHERE org_id = ? AND id = ?", orgId, id) == 1;
    }

    /**
     * Puts one message in the outbox, in one transaction: a row for each enabled endpoint of the org
     * that takes {@code eventType}, or a single Svix row when {@code toSvix}.
     *
     * @return how many rows were written
     */
    public int enqueue(UUID orgId, String msgId, String eventType, String payload, boolean toSvix) {
        if (toSvix) {
            return jdbc.update("INSERT INTO webhook_outbox (msg_id, org_id, endpoint_id, event_type, payload) VALUES (?, ?, NULL, ?, ?)",
                    msgId, orgId, eventType, payload);
        }
        return jdbc.update("INSERT INTO webhook_outbox (msg_id, org_id, endpoint_id, event_type, payload) "
                        + "SELECT ?, org_id, id, ?, ? FROM webhook_endpoints "
                        + "WHERE org_id = ? AND enabled AND (cardinality(event_types) = 0 OR ? = ANY (event_types))",
                msgId, eventType, payload, orgId, eventType);
    }

    /**
     * Leases up to {@code limit} due rows for {@code lease}: their next attempt moves past the lease,
     * so neither this gateway's next poll nor another gateway takes them while they are delivered.
     * Rows of disabled endpoints wait; Svix rows are taken only when {@code svix}, endpoint rows only when not.
     */
    public List<Claimed> claimDue(int limit, Duration lease, boolean svix) {
        String destination = svix ? "o.endpoint_id IS NULL" : "o.endpoint_id IS NOT NULL";
        return jdbc.transaction(c -> Jdbc.query(c,
                "WITH due AS (SELECT o.id FROM webhook_outbox o LEFT JOIN webhook_endpoints e ON e.id = o.endpoint_id "
                        + "WHERE o.status = 'pending' AND o.next_attempt_at <= now() AND " + destination
                        + " AND (e.id IS NULL OR e.enabled) ORDER BY o.next_attempt_at, o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED), "
                        + "claimed AS (UPDATE webhook_outbox o SET next_attempt_at = now() + (?::float8) * interval '1 millisecond' "
                        + "FROM due WHERE o.id = due.id RETURNING o.id, o.msg_id, o.org_id, o.endpoint_id, o.event_type, o.payload, o.attempts) "
                        + "SELECT c.id, c.msg_id, c.org_id, c.endpoint_id, e.name, e.url, e.secret, c.event_type, c.payload, c.attempts "
                        + "FROM claimed c LEFT JOIN webhook_endpoints e ON e.id = c.endpoint_id ORDER BY c.id",
                rs -> new Claimed(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getObject(4, UUID.class),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10)),
                limit, lease.toMillis()));
    }

    /**
     * Records an attempt and its outcome in one transaction: delivered, failed for good, or pending
     * again from {@code retryIn}.
     */
    public void attempted(long outboxId, int attempt, Integer statusCode, String error, long durationMs, String status, Duration retryIn) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "INSERT INTO webhook_attempts (outbox_id, attempt, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)",
                    outboxId, attempt, statusCode, error, durationMs);
            Jdbc.update(c, "UPDATE webhook_outbox SET attempts = ?, status = ?, last_status = ?, last_error = ?, "
                            + "next_attempt_at = now() + (?::float8) * interval '1 millisecond', "
                            + "delivered_at = CASE WHEN ? = 'delivered' THEN now() ELSE delivered_at END WHERE id = ?",
                    attempt, status, statusCode, error, retryIn == null ? 0L : retryIn.toMillis(), status, outboxId);
            return null;
        });
    }

    /** Gives a claimed row back without counting an attempt (the gateway stopped during it): due again at once. */
    public void released(long outboxId) {
        jdbc.update("UPDATE webhook_outbox SET next_attempt_at = now() WHERE id = ? AND status = 'pending'", outboxId);
    }

    /** The endpoint's deliveries, newest first. */
    public List<Delivery> deliveries(UUID orgId, UUID endpointId, int limit, int offset) {
        return jdbc.query(DELIVERY + "WHERE org_id = ? AND endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                Webhooks::delivery, orgId, endpointId, limit, offset);
    }

    /** Every row of a message (one per destination). */
    public List<Delivery> byMessage(String msgId) {
        return jdbc.query(DELIVERY + "WHERE msg_id = ? ORDER BY id", Webhooks::delivery, msgId);
    }

    /** The attempts of the given outbox rows, in order. */
    public List<Attempt> attempts(List<Long> outboxIds) {
        if (outboxIds.isEmpty()) {
            return List.of();
        }
        return jdbc.run(c -> {
            Array ids = c.createArrayOf("bigint", outboxIds.toArray());
            return Jdbc.query(c, "SELECT outbox_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts "
                            + "WHERE outbox_id = ANY (?) ORDER BY outbox_id, attempt",
                    rs -> new Attempt(rs.getLong(1), rs.getInt(2), rs.getObject(3, OffsetDateTime.class), (Integer) rs.getObject(4),
                            rs.getString(5), rs.getLong(6)), ids);
        });
    }

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        return new Endpoint(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"), rs.getString("url"),
                rs.getString("secret"), List.of((String[]) rs.getArray("event_types").getArray()),
                rs.getBoolean("enabled"), rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(rs.getLong("id"), rs.getString("msg_id"), rs.getObject("org_id", UUID.class),
                rs.getObject("endpoint_id", UUID.class), rs.getString("event_type"), rs.getString("payload"), rs.getString("status"),
                rs.getInt("attempts"), rs.getObject("next_attempt_at", OffsetDateTime.class), (Integer) rs.getObject("last_status"),
                rs.getString("last_error"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("delivered_at", OffsetDateTime.class));
    }
}
