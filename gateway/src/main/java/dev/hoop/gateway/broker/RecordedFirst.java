package dev.hoop.gateway.broker;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of a session: releases its packets in the order they arrived, each only once the
 * audit events recorded for it (and for every packet before it) are written. A packet whose
 * events are written already, behind nothing, is released at once on the calling thread (the
 * event loop); otherwise it is released by the thread that completes the write (the audit
 * writer), so the event loop never waits for the disk.
 *
 * <p>Releases never overlap: one thread at a time drains the queue. What waits here is bounded by
 * the producing stream's inbound window, since a packet's credit goes back only when it is released.
 */
final class RecordedFirst {
    private static final Logger log = LoggerFactory.getLogger(RecordedFirst.class);

    private record Held(CompletableFuture<?> written, Consumer<Throwable> release) {}

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private boolean draining;

    /**
     * @param written completes when the packet's events are on disk (fails when they could not be)
     * @param release forwards the packet, or handles the failure it is given; runs exactly once
     */
    void add(CompletableFuture<?> written, Consumer<Throwable> release) {
        synchronized (this) {
            queue.add(new Held(written, release));
            if (draining) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /** How many packets wait (for tests and diagnostics). */
    synchronized int held() {
        return queue.size();
    }

    private void drain() {
        while (true) {
            Held head;
            CompletableFuture<?> waitFor = null;
            synchronized (this) {
                head = queue.peek();
                if (head == null || !head.written.isDone()) {
                    draining = false;
                    if (head == null) {
                        return;
                    }
                    waitFor = head.written;
                } else {
                    queue.poll();
                }
            }
            if (waitFor != null) {
                // registered outside the lock: it may run at once, if the write completed meanwhile
                waitFor.whenComplete((ok, failed) -> resume());
                return;
            }
            try {
                head.release.accept(failureOf(head.written));
            } catch (RuntimeException e) {
                // the next packets still go out (or are dropped by their own release)
                log.error("releasing a recorded packet failed", e);
            }
        }
    }

    private void resume() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        drain();
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        if (!done.isCompletedExceptionally()) {
            return null;
        }
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}
