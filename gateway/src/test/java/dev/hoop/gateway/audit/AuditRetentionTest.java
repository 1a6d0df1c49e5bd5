package dev.hoop.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.SessionRetention;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** AUDIT_RETENTION_DAYS on a real PostgreSQL with the gateway's schema, the clock set by the test. */
class AuditRetentionTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway();

    static final Instant NOW = Instant.parse("2026-12-03T04:00:00Z");

    @Test
    void deletesEndedSessionsOlderThanTheCutoffWithEventsAndSealsAndRecordsIt() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        Sessions sessions = new Sessions(ds);
        SessionSeals seals = new SessionSeals(ds);
        AuditStore sealing = SessionSealer.generate().sealing(sessions::store, seals::put);
        UUID org;
        try (var c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM orgs LIMIT 1")) {
            rs.next();
            org = rs.getObject(1, UUID.class);
        }
        List<AuditEvent> events = List.of(new AuditEvent(0, AuditEvent.INPUT, "ls".getBytes(StandardCharsets.UTF_8)),
                new AuditEvent(1, AuditEvent.OUTPUT, "x".getBytes(StandardCharsets.UTF_8)));
        UUID old1 = session(sessions, org, NOW.minus(Duration.ofDays(31)), true);
        UUID old2 = session(sessions, org, NOW.minus(Duration.ofDays(30)).minusSeconds(1), true);
        UUID recent = session(sessions, org, NOW.minus(Duration.ofDays(30)).plusSeconds(1), true);
        UUID oldButOpen = session(sessions, org, NOW.minus(Duration.ofDays(90)), false);
        for (UUID id : List.of(old1, old2, recent)) {
            sealing.store(id, events);
        }
        List<UUID> told = new ArrayList<>();
        SessionRetention store = new SessionRetention(ds);
        AuditRetention retention = new AuditRetention(store, 30, Clock.fixed(NOW, ZoneOffset.UTC), told::addAll);

        AuditRetention.Run run = retention.runOnce();

        assertThat(run).isEqualTo(new AuditRetention.Run(NOW.minus(Duration.ofDays(30)), 2, 4));
        assertThat(told).containsExactlyInAnyOrder(old1, old2);
        assertThat(sessions.find(org, old1)).isEmpty();
        assertThat(sessions.find(org, old2)).isEmpty();
        assertThat(sessions.find(org, recent)).isPresent();
        assertThat(sessions.find(org, oldButOpen)).as("an open session is never deleted").isPresent();
        assertThat(count(ds, "SELECT count(*) FROM session_events WHERE session_id IN ('" + old1 + "', '" + old2 + "')")).isZero();
        assertThat(count(ds, "SELECT count(*) FROM session_seals WHERE session_id IN ('" + old1 + "', '" + old2 + "')")).isZero();
        assertThat(seals.find(org, recent)).isPresent();
        assertThat(store.deletions(10).stream().filter(d -> d.retentionDays() == 30)).containsExactly(
                new SessionRetention.Deletion(NOW, NOW.minus(Duration.ofDays(30)), 30, 2, 4));

        // nothing more to delete: nothing deleted, nothing recorded, nobody told
        told.clear();
        assertThat(retention.runOnce().sessions()).isZero();
        assertThat(told).isEmpty();
        assertThat(store.deletions(10).stream().filter(d -> d.retentionDays() == 30)).hasSize(1);

        // a day later the clock moves past the recent one
        AuditRetention later = new AuditRetention(store, 30, Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC), told::addAll);
        assertThat(later.runOnce().sessions()).isEqualTo(1);
        assertThat(told).containsExactly(recent);
    }

    @Test
    void aFailingListenerDoesNotUndoTheDeletion() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        Sessions sessions = new Sessions(ds);
        UUID org;
        try (var c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM orgs LIMIT 1")) {
            rs.next();
            org = rs.getObject(1, UUID.class);
        }
        UUID old = session(sessions, org, NOW.minus(Duration.ofDays(400)), true);
        AuditRetention retention = new AuditRetention(new SessionRetention(ds), 365, Clock.fixed(NOW, ZoneOffset.UTC), ids -> {
            throw new IllegalStateException("search index down");
        });
        assertThat(retention.runOnce().sessions()).isGreaterThanOrEqualTo(1);
        assertThat(sessions.find(org, old)).isEmpty();
    }

    @Test
    void theScheduleRunsAtOnceOffTheLoop() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database() + "?currentSchema=hoop");
        ds.setUser("postgres");
        Sessions sessions = new Sessions(ds);
        UUID org;
        try (var c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM orgs LIMIT 1")) {
            rs.next();
            org = rs.getObject(1, UUID.class);
        }
        UUID old = session(sessions, org, NOW.minus(Duration.ofDays(5000)), true);
        java.util.concurrent.CompletableFuture<Thread> ranOn = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<List<UUID>> told = new java.util.concurrent.CompletableFuture<>();
        var loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            new AuditRetention(new SessionRetention(ds), 4000, Clock.fixed(NOW, ZoneOffset.UTC), ids -> {
                ranOn.complete(Thread.currentThread());
                told.complete(ids);
            }).schedule(loop);
            assertThat(told.get(20, java.util.concurrent.TimeUnit.SECONDS)).contains(old);
            assertThat(ranOn.get().isVirtual()).isTrue();
            assertThat(ranOn.get().getName()).isEqualTo("audit-retention");
        } finally {
            loop.shutdownNow();
        }
    }

    private static UUID session(Sessions sessions, UUID org, Instant started, boolean ended) {
        UUID id = UUID.randomUUID();
        sessions.opened(id, org, UUID.randomUUID(), "a@example.com", "sh", "command-line", "connect", started);
        if (ended) {
            sessions.closed(id, 0, null, started.plusSeconds(60));
        }
        return id;
    }

    private static long count(PGSimpleDataSource ds, String sql) throws SQLException {
        try (var c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
