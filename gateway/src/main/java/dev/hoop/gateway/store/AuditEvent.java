package dev.hoop.gateway.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One recorded event of a session: input ({@code i}), output ({@code o}), error ({@code e}), a
 * terminal resize ({@code w}) or a PostgreSQL statement's result ({@code r}), at {@code offsetMillis}
 * after the session started; or, for a session that carries several client connections (one
 * {@code hoop connect} serving an application's pool), a client connection opened ({@code c}) or
 * closed ({@code x}).
 *
 * @param connection the client connection the event belongs to, numbered by the gateway from 1 in
 *                   the order the session first saw them; {@link #NO_CONNECTION} for a session-wide
 *                   event (an exec's input, an error ending the session)
 */
public record AuditEvent(long offsetMillis, char type, byte[] data, long connection) {
    public static final char INPUT = 'i';
    public static final char OUTPUT = 'o';
    public static final char ERROR = 'e';
    public static final char CONNECTION_OPENED = 'c';
    public static final char CONNECTION_CLOSED = 'x';
    /** A terminal's new size, {@code {"rows":R,"cols":C}} (for asciicast replay). */
    public static final char RESIZE = 'w';
    /** A PostgreSQL statement's result as JSON: which input event it answers, its command tag or error (for the timeline). */
    public static final char RESULT = 'r';
    public static final long NO_CONNECTION = 0;

    public AuditEvent {
        if (type != INPUT && type != OUTPUT && type != ERROR && type != CONNECTION_OPENED && type != CONNECTION_CLOSED
                && type != RESIZE && type != RESULT) {
            throw new IllegalArgumentException("audit event type '" + type + "' (expected: i, o, e, c, x, w or r)");
        }
        Objects.requireNonNull(data, "data");
        if (offsetMillis < 0) {
            throw new IllegalArgumentException("audit event offset " + offsetMillis + " ms (expected: >= 0)");
        }
        if (connection < 0) {
            throw new IllegalArgumentException("audit event connection " + connection + " (expected: >= 0)");
        }
    }

    /** A session-wide event (no client connection). */
    public AuditEvent(long offsetMillis, char type, byte[] data) {
        this(offsetMillis, type, data, NO_CONNECTION);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditEvent e && e.offsetMillis == offsetMillis && e.type == type && e.connection == connection
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offsetMillis, type, connection, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "AuditEvent[" + offsetMillis + "ms " + type + (connection == NO_CONNECTION ? "" : " connection " + connection) + " "
                + data.length + " bytes]";
    }
}
