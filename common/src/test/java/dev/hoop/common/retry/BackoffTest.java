package dev.hoop.common.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void growsWithJitterUpToTheCapAndResets() {
        Backoff b = Backoff.reconnect();
        Duration first = b.next();
        assertThat(first).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        Duration second = b.next();
        assertThat(second).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
            b.next();
        }
        for (int i = 0; i < 30; i++) {
            assertThat(b.next()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
        b.reset();
        assertThat(b.next()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
}
