package dev.hoop.gateway.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the delay after attempt {@code n} is {@code base * 2^(n-1)},
 * capped at {@link #CAP}, then spread by ±20 % so that endpoints coming back from an outage are not hit by
 * every gateway's retries at the same moment. Stateless, keyed by the attempt count the outbox
 * keeps (unlike {@code dev.hoop.common.retry.Backoff}, which counts in memory for one reconnect loop).
 */
record RetrySchedule(Duration base) {
    static final Duration CAP = Duration.ofHours(1);

    Duration after(int attempt) {
        long millis = base.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
        millis = Math.min(millis <= 0 ? CAP.toMillis() : millis, CAP.toMillis());
        double spread = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(millis * spread)));
    }
}
