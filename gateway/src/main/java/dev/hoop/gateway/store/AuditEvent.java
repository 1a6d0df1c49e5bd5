package dev.hoop.gateway.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One recorded event of a session: input ({@code i}), output ({@code o}), error ({@code e}), a
 * terminal resize ({@code w}) or a PostgreSQL result ({@code r}),
 * at {@code offsetMillis} after the session started.
 */
public record AuditEvent(long offsetMillis, char type, byte[] data) {
    public static final char INPUT = 'i';
    public static final char OUTPUT = 'o';
    public static final char ERROR = 'e';
    /** A terminal's new size, {@code {"rows":R,"cols":C}} (for asciicast replay). */
    public static final char RESIZE = 'w';
    /** A PostgreSQL statement's result as JSON: which input event it answers, its command tag or error (for the timeline). */
    public static final char RESULT = 'r';

    public AuditEvent {
        if (type != INPUT && type != OUTPUT && type != ERROR && type != RESIZE && type != RESULT) {
            throw new IllegalArgumentException("audit event type '" + type + "' (expected: i, o, e, w or r)");
        }
        Objects.requireNonNull(data, "data");
        if (offsetMillis < 0) {
            throw new IllegalArgumentException("audit event offset " + offsetMillis + " ms (expected: >= 0)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditEvent e && e.offsetMillis == offsetMillis && e.type == type && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offsetMillis, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "AuditEvent[" + offsetMillis + "ms " + type + " " + data.length + " bytes]";
    }
}
