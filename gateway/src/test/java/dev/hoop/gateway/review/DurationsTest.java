package dev.hoop.gateway.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The time a jit review asks for: the forms taken, the bounds, and what is refused with which reason. */
class DurationsTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "null, 1800",
        "'', 1800",
        "30m, 1800",
        "60s, 60",
        "1m, 60",
        "1h30m, 5400",
        "2h0m10s, 7210",
        "48h, 172800",
        "' 45m ', 2700",
    })
    void accepted(String text, long seconds) {
        String[] why = new String[1];
        assertThat(Durations.parse(text, why)).contains(Duration.ofSeconds(seconds));
        assertThat(why[0]).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "59s| duration 59s is out of range (expected: 60s to 48h)",
        "48h1s| duration 48h1s is out of range (expected: 60s to 48h)",
        "0m| duration 0m is out of range (expected: 60s to 48h)",
        "999999h| duration 999999h is out of range (expected: 60s to 48h)",
        "30| duration '30' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)",
        "1d| duration '1d' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)",
        "-5m| duration '-5m' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)",
        "30m1h| duration '30m1h' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)",
        "99999999999999999999s| duration '99999999999999999999s' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)",
    })
    void refused(String text, String reason) {
        String[] why = new String[1];
        assertThat(Durations.parse(text, why)).isEqualTo(Optional.empty());
        assertThat(why[0]).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "59, 59s", "60, 1m", "1800, 30m", "5400, 1h30m", "7210, 2h10s", "172800, 48h"})
    void formatted(long seconds, String text) {
        assertThat(Durations.format(seconds)).isEqualTo(text);
    }
}
