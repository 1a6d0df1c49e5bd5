package dev.hoop.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {
    @ParameterizedTest(name = "after attempt {0}: about {1} ms")
    @CsvSource({"1, 5000", "2, 10000", "3, 20000", "6, 160000", "12, 3600000", "40, 3600000", "1000, 3600000"})
    void doublesFromTheBaseUpToAnHourWithinTwentyPercent(int attempt, long expectedMs) {
        RetrySchedule b = new RetrySchedule(Duration.ofSeconds(5));
        for (int i = 0; i < 200; i++) {
            long ms = b.after(attempt).toMillis();
            assertThat(ms).isBetween(Math.round(expectedMs * 0.8), Math.round(expectedMs * 1.2));
        }
    }

    @Test
    void isJittered() {
        RetrySchedule b = new RetrySchedule(Duration.ofSeconds(5));
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> b.after(3)).distinct().count()).isGreaterThan(10);
    }
}
