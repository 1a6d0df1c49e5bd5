package dev.hoop.gateway.review;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The time a jit review asks for ({@code jit.timeout}, e.g. {@code 30m}, {@code 1h30m}, {@code 90s}): 60 s to 48 h. */
final class Durations {
    static final Duration MIN = Duration.ofSeconds(60);
    static final Duration MAX = Duration.ofHours(48);
    static final Duration DEFAULT = Duration.ofMinutes(30);
    private static final Pattern FORM = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,8})m)?(?:(\\d{1,10})s)?");

    private Durations() {}

    /** @return the duration, or empty with the reason in {@code why[0]} */
    static Optional<Duration> parse(String text, String[] why) {
        if (text == null || text.isBlank()) {
            return Optional.of(DEFAULT);
        }
        Matcher m = FORM.matcher(text.trim());
        if (text.length() > 32 || !m.matches() || text.trim().isEmpty() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            why[0] = "duration '" + shortened(text) + "' is not valid (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)";
            return Optional.empty();
        }
        Duration d = Duration.ofHours(num(m.group(1))).plusMinutes(num(m.group(2))).plusSeconds(num(m.group(3)));
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            why[0] = "duration " + text.trim() + " is out of range (expected: 60s to 48h)";
            return Optional.empty();
        }
        return Optional.of(d);
    }

    private static long num(String g) {
        return g == null ? 0 : Long.parseLong(g);
    }

    private static String shortened(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }

    /** {@code 1h30m}, {@code 45m}, {@code 90s} → as written back to people. */
    static String format(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (s > 0 || seconds == 0 ? s + "s" : "");
    }
}
