package dev.hoop.gateway.api;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the HTTP requests being handled, so that shutdown can let them finish: Helidon's own
 * stop closes active connections at once. Once {@link #drain} starts, new requests are refused
 * with 503 while the ones in flight complete.
 */
public final class InFlight {
    private int count;
    private boolean draining;

    /** @return false when draining: the request must be refused */
    synchronized boolean enter() {
        if (draining) {
            return false;
        }
        count++;
        return true;
    }

    synchronized void exit() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    public synchronized int count() {
        return count;
    }

    /**
     * Refuses new requests and waits until the running ones are done or {@code grace} passed.
     *
     * @return the number of requests still running at the deadline (0 when all finished)
     */
    public synchronized int drain(Duration grace) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return count;
    }
}
