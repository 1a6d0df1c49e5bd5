package dev.hoop.gateway.webhook;

import dev.hoop.gateway.config.WebhookSettings;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.store.Webhooks.Claimed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox in the background: a loop on a virtual thread claims due rows (leased with
 * {@code SKIP LOCKED}, so gateways sharing a database split the work), and each row is sent on a
 * virtual thread of its own, at most {@value #MAX_IN_FLIGHT} at once, so a receiver that never
 * answers holds one slot for one timeout and does not hold up the others. A failed attempt is
 * retried after an exponential backoff with jitter until {@link WebhookSettings#maxAttempts()}; then the
 * row is marked failed. Delivery is at least once: a gateway that dies mid-attempt leaves a lease
 * that expires, and the row is sent again with the same {@code webhook-id}.
 */
public final class WebhookDispatcher implements AutoCloseable {
    static final int MAX_IN_FLIGHT = 32;
    static final int BATCH = 32;
    /** How long past the attempt's timeout a claimed row stays with this gateway. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final Webhooks store;
    private final Sender sender;
    private final HttpDelivery http;
    private final boolean svix;
    private final int maxAttempts;
    private final RetrySchedule backoff;
    private final Duration lease;
    private final Duration poll;
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>(1);
    private final Set<Thread> inFlight = ConcurrentHashMap.newKeySet();
    /** The threads waiting for a receiver: the only ones a stop interrupts (one recording an outcome finishes it). */
    private final Set<Thread> sending = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    /** Only the loop's thread touches it. */
    private boolean outboxFailing;
    private final Thread loop;

    private WebhookDispatcher(Webhooks store, WebhookSettings settings, Clock clock) {
        this.store = store;
        this.http = new HttpDelivery(settings.timeout());
        this.svix = settings.svix();
        this.sender = svix ? new SvixSender(http, settings.svixUrl(), settings.svixAppKey()) : new DirectSender(http, clock);
        this.maxAttempts = settings.maxAttempts();
        this.backoff = new RetrySchedule(settings.retryDelay());
        this.lease = settings.timeout().plus(LEASE_MARGIN);
        long pollMs = Math.clamp(settings.retryDelay().toMillis() / 2, 50, 1000);
        this.poll = Duration.ofMillis(pollMs);
        this.loop = Thread.ofVirtual().name("webhooks").unstarted(this::run);
    }

    /** Starts delivering what the outbox holds, including what an earlier run left. */
    public static WebhookDispatcher start(Webhooks store, WebhookSettings settings, Clock clock) {
        WebhookDispatcher d = new WebhookDispatcher(store, settings, clock);
        d.loop.start();
        log.info("webhooks: delivering {} (retries from {} ms, {} attempts, {} ms per attempt)",
                d.svix ? "through Svix at " + settings.svixUrl() : "to the configured endpoints", settings.retryDelay().toMillis(),
                settings.maxAttempts(), settings.timeout().toMillis());
        return d;
    }

    /** A message was queued: look now rather than at the next poll. */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void run() {
        while (running) {
            int claimed = 0;
            try {
                claimed = claimAndSend();
                if (outboxFailing) {
                    outboxFailing = false;
                    log.info("webhooks: the outbox is readable again; delivering");
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // stopped in the middle of a claim: its rows' leases run out
                }
                // the database may be away for a while: say so once (the health check says it too) and keep trying
                if (!outboxFailing) {
                    outboxFailing = true;
                    log.warn("webhooks: reading the outbox failed (retrying every {} ms until it works): {}", poll.toMillis(), e.getMessage());
                } else {
                    log.debug("webhooks: reading the outbox failed again: {}", e.getMessage());
                }
            }
            if (claimed < BATCH) {
                try {
                    wakeups.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private int claimAndSend() throws InterruptedException {
        // claim only what free slots can send now: a claimed row waiting for a slot would eat its lease
        slots.acquire();
        if (!running) {
            slots.release();
            return 0;
        }
        int free = 1 + slots.drainPermits();
        List<Claimed> rows;
        try {
            rows = store.claimDue(Math.min(free, BATCH), lease, svix);
        } catch (RuntimeException e) {
            slots.release(free);
            throw e;
        }
        slots.release(free - rows.size());
        for (Claimed row : rows) {
            Thread.ofVirtual().name("webhook-" + row.msgId()).start(() -> {
                inFlight.add(Thread.currentThread());
                try {
                    deliver(row);
                } finally {
                    inFlight.remove(Thread.currentThread());
                    slots.release();
                }
            });
        }
        return rows.size();
    }

    private void deliver(Claimed row) {
        int attempt = row.attempts() + 1;
        String destination = row.endpointId() == null ? "Svix" : "endpoint '" + row.endpointName() + "'";
        long start = System.nanoTime();
        Sender.Outcome outcome;
        sending.add(Thread.currentThread());
        try {
            if (!running) {
                throw new InterruptedException("stopping");
            }
            outcome = sender.send(row);
        } catch (InterruptedException e) {
            outcome = null;
        } catch (RuntimeException e) {
            outcome = new Sender.Outcome(false, null, "sending failed: " + e.getMessage());
            log.error("webhooks: {} ({}) to {}: sending failed", row.msgId(), row.eventType(), destination, e);
        } finally {
            sending.remove(Thread.currentThread());
            // an interrupt that came after the answer must not break recording it
            Thread.interrupted();
        }
        if (outcome == null) {
            // the gateway is stopping: the attempt did not finish, so it does not count; sent again at the next start
            record(row, attempt - 1, null, null, start, Webhooks.PENDING, Duration.ZERO, false);
            return;
        }
        if (outcome.delivered()) {
            record(row, attempt, outcome.status(), null, start, Webhooks.DELIVERED, null, true);
            log.debug("webhooks: {} ({}) delivered to {} (HTTP {}, attempt {})", row.msgId(), row.eventType(), destination,
                    outcome.status(), attempt);
            return;
        }
        if (attempt >= maxAttempts) {
            record(row, attempt, outcome.status(), outcome.error(), start, Webhooks.FAILED, null, true);
            log.warn("webhooks: {} ({}) to {} failed for good after {} attempt(s): {}", row.msgId(), row.eventType(), destination,
                    attempt, outcome.error());
            return;
        }
        Duration retry = backoff.after(attempt);
        record(row, attempt, outcome.status(), outcome.error(), start, Webhooks.PENDING, retry, true);
        log.info("webhooks: {} ({}) to {} not delivered: {} (attempt {} of {}; next in {} ms)", row.msgId(), row.eventType(),
                destination, outcome.error(), attempt, maxAttempts, retry.toMillis());
    }

    private void record(Claimed row, int attempt, Integer status, String error, long startNanos, String state, Duration retry,
                        boolean logAttempt) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        try {
            if (logAttempt) {
                store.attempted(row.id(), attempt, status, error, ms, state, retry);
            } else {
                store.released(row.id());
            }
        } catch (RuntimeException e) {
            // the lease expires and the row is sent again: at least once, never lost
            log.warn("webhooks: recording attempt {} of {} failed (it will be sent again when its lease ends): {}", attempt, row.msgId(),
                    e.getMessage());
        }
    }

    /**
     * Stops claiming, interrupts the attempts waiting for a receiver (their rows are given back for the next start),
     * lets those recording an outcome finish, waits at most a few seconds.
     */
    @Override
    public void close() {
        running = false;
        // the loop is woken, not interrupted: an interrupt in the middle of JDBC breaks the pooled connection
        wake();
        sending.forEach(Thread::interrupt);
        try {
            loop.join(Duration.ofSeconds(2));
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
