package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.SessionRetention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AUDIT_RETENTION_DAYS}: once a day (and at start), deletes the sessions that started
 * longer ago than that, with their events and seals, in batches. Each batch is recorded in
 * {@code audit_deletions} (cutoff and counts) and logged; the deleted ids go to a
 * {@link DeletedSessions} listener (the search index drops them there).
 */
public final class AuditRetention {
    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
    static final int BATCH = 500;
    public static final Duration PERIOD = Duration.ofDays(1);

    /** Told the ids of each batch of deleted sessions, after their deletion committed. */
    @FunctionalInterface
    public interface DeletedSessions {
        void deleted(List<UUID> sessionIds);
    }

    /** What one run deleted. */
    public record Run(Instant cutoff, long sessions, long events) {}

    private final SessionRetention store;
    private final int days;
    private final Clock clock;
    private final DeletedSessions listener;
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();

    public AuditRetention(SessionRetention store, int days, Clock clock, DeletedSessions listener) {
        if (days < 1) {
            throw new IllegalArgumentException("retention days: " + days + " (expected: at least 1)");
        }
        this.store = Objects.requireNonNull(store, "store");
        this.days = days;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Deletes everything older than the cutoff now; blocks (database work). */
    public Run runOnce() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(Duration.ofDays(days));
        long sessions = 0;
        long events = 0;
        while (true) {
            SessionRetention.Batch batch = store.deleteBefore(cutoff, days, now, BATCH);
            if (batch.sessionIds().isEmpty()) {
                break;
            }
            sessions += batch.sessionIds().size();
            events += batch.events();
            try {
                listener.deleted(batch.sessionIds());
            } catch (RuntimeException e) {
                log.error("audit retention: the listener failed on {} deleted session(s); they are deleted all the same", batch.sessionIds().size(), e);
            }
            if (batch.sessionIds().size() < BATCH) {
                break;
            }
        }
        if (sessions > 0) {
            log.info("audit retention: deleted {} session(s) and {} event(s) started before {} (AUDIT_RETENTION_DAYS={})", sessions, events,
                    cutoff, days);
        }
        return new Run(cutoff, sessions, events);
    }

    /**
     * Runs now and then every day: {@code loop} only starts each run on a virtual thread of its
     * own, so that a long deletion never delays the loop's other work (health checks); a run still
     * going when the next is due is not doubled. A failed run is logged and the next one tries again.
     */
    public void schedule(ScheduledExecutorService loop) {
        loop.scheduleWithFixedDelay(() -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            Thread.ofVirtual().name("audit-retention").start(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    log.error("audit retention: deleting sessions older than {} day(s) failed; retrying in {}", days, PERIOD, e);
                } finally {
                    running.set(false);
                }
            });
        }, 0, PERIOD.toMinutes(), TimeUnit.MINUTES);
    }
}
