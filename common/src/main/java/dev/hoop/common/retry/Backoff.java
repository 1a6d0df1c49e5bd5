package dev.hoop.common.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in [base*2^n/2, base*2^n],
 * capped at {@code max}. {@link #reset()} after a success. Not thread-safe: one per retry loop.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private int attempt;

    public Backoff(Duration base, Duration max) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got base=" + base + " max=" + max);
        }
        this.base = base;
        this.max = max;
    }

    /** 1 s up to 30 s: the agent's and the client's reconnect policy. */
    public static Backoff reconnect() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public Duration next() {
        long ceiling = base.toMillis() << Math.min(attempt, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        attempt++;
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    public int attempts() {
        return attempt;
    }

    public void reset() {
        attempt = 0;
    }
}
