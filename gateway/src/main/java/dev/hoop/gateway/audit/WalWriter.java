package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import dev.hoop.gateway.metrics.AuditMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sessions' audit events without a system call on the gRPC event loops
 * (docs/architecture.md#threading): an append that fits the file's mapped window is copied there
 * at once and returns a completed future; any other is queued, and one writer drains what has
 * queued meanwhile and writes each session's share of it with one call, then completes the
 * futures, and whoever waits on them (the packets held back until their events are on disk) goes
 * on from there.
 *
 * <p>The writer runs only while there is work: the first append into an empty queue starts it on
 * {@code runner}, and it stops when it finds the queue empty. Appends to one file are written in
 * the order they were queued; a file whose write failed fails every later append too, so a
 * session cannot go on with a hole in its record.
 */
final class WalWriter {
    private static final Logger log = LoggerFactory.getLogger(WalWriter.class);
    /** Events taken per round at most, so that the first futures of a burst complete early. */
    static final int MAX_BATCH = 256;

    private record Append(WalFile file, AuditEvent event, CompletableFuture<Void> written) {}

    private final ConcurrentLinkedQueue<Append> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Executor runner;
    private final AuditMetrics metrics;
    /** The backlog as /metrics shows it: counted beside the queue, whose size() would walk it. */
    private final LongAdder queuedEvents = new LongAdder();
    private final LongAdder queuedBytes = new LongAdder();

    WalWriter(Executor runner) {
        this(runner, AuditMetrics.detached());
    }

    WalWriter(Executor runner, AuditMetrics metrics) {
        this.runner = runner;
        this.metrics = metrics;
    }

    /** Events waiting for the writer right now. */
    long backlogEvents() {
        return queuedEvents.sum();
    }

    /** Bytes of the events waiting for the writer (their data; the record headers are not counted). */
    long backlogBytes() {
        return queuedBytes.sum();
    }

    private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

    /**
     * Writes one event into the file's mapped window, or queues it; the future completes once it is
     * written to the file (or fails with why not). Callers serialize appends to one file.
     */
    CompletableFuture<Void> append(WalFile file, AuditEvent event) {
        try {
            if (file.tryAppendMapped(event)) {
                return WRITTEN;
            }
        } catch (IOException e) {
            log.error("audit: writing an event to {} failed", file, e);
            return CompletableFuture.failedFuture(e);
        }
        file.queued(1);
        CompletableFuture<Void> written = new CompletableFuture<>();
        queuedEvents.increment();
        queuedBytes.add(event.data().length);
        queue.add(new Append(file, event, written));
        if (running.compareAndSet(false, true)) {
            runner.execute(this::drain);
        }
        return written;
    }

    private void drain() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            Append next;
            while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                running.set(false);
                // an append that came after the poll and saw running=true: take it over
                if (queue.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            write(batch);
            long bytes = 0;
            for (Append a : batch) {
                bytes += a.event.data().length;
            }
            queuedEvents.add(-batch.size());
            queuedBytes.add(-bytes);
            batch.clear();
        }
    }

    /** One write per file of the batch, in queue order; then the futures, outside any write. */
    private void write(List<Append> batch) {
        Map<WalFile, List<Append>> byFile = new IdentityHashMap<>();
        List<WalFile> order = new ArrayList<>();
        for (Append a : batch) {
            byFile.computeIfAbsent(a.file, f -> {
                order.add(f);
                return new ArrayList<>();
            }).add(a);
        }
        for (WalFile file : order) {
            List<Append> appends = byFile.get(file);
            Throwable failure = null;
            try {
                long t0 = System.nanoTime();
                file.append(appends.stream().map(Append::event).toList(), appends.size());
                metrics.walWrite(System.nanoTime() - t0);
            } catch (IOException | RuntimeException e) {
                log.error("audit: writing {} event(s) to {} failed", appends.size(), file, e);
                failure = e;
            }
            for (Append a : appends) {
                if (failure == null) {
                    a.written.complete(null);
                } else {
                    a.written.completeExceptionally(failure);
                }
            }
        }
    }
}
