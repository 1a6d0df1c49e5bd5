package dev.hoop.common.pgwire;

import java.util.Objects;

/**
 * A backend ErrorResponse ({@code E}): what psql prints as {@code ERROR:  message} plus DETAIL and
 * HINT lines. Only the fields hoop writes or reads are kept; {@code detail} and {@code hint} may be
 * null.
 *
 * @param severity ERROR, FATAL or PANIC (sent both localized {@code S} and as-is {@code V})
 * @param sqlState the five-character SQLSTATE ({@code C})
 */
public record ErrorResponse(String severity, String sqlState, String message, String detail, String hint) {
    public static final char TYPE = 'E';

    public ErrorResponse {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (sqlState == null || sqlState.length() != 5) {
            throw new IllegalArgumentException("sqlState: '" + sqlState + "' (expected: 5 characters)");
        }
    }

    public static ErrorResponse fatal(String sqlState, String message, String hint) {
        return new ErrorResponse("FATAL", sqlState, message, null, hint);
    }

    public static ErrorResponse error(String sqlState, String message, String hint) {
        return new ErrorResponse("ERROR", sqlState, message, null, hint);
    }

    /** The whole message: type byte, length, fields, terminating NUL. */
    public byte[] encode() {
        PgWriter w = PgWriter.typed(TYPE)
                .int8('S').cstring(severity)
                .int8('V').cstring(severity)
                .int8('C').cstring(sqlState)
                .int8('M').cstring(message);
        if (detail != null) {
            w.int8('D').cstring(detail);
        }
        if (hint != null) {
            w.int8('H').cstring(hint);
        }
        return w.int8(0).build();
    }

    /** Reads the body (after type and length) of an ErrorResponse; unknown fields are skipped. */
    public static ErrorResponse decode(byte[] body) {
        PgBuffer in = new PgBuffer(body, "ErrorResponse");
        String severity = null;
        String plainSeverity = null;
        String code = null;
        String message = null;
        String detail = null;
        String hint = null;
        while (true) {
            if (in.remaining() == 0) {
                throw new PgWireException("ErrorResponse: fields not terminated by NUL");
            }
            byte field = in.bytes(1)[0];
            if (field == 0) {
                break;
            }
            String value = in.cstring();
            switch (field) {
                case 'S' -> severity = value;
                case 'V' -> plainSeverity = value;
                case 'C' -> code = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                default -> { } // position, where, file, line…: not needed by hoop
            }
        }
        if (message == null || code == null) {
            throw new PgWireException("ErrorResponse without " + (message == null ? "message (M)" : "SQLSTATE (C)"));
        }
        if (code.length() != 5) {
            // A server (or a man in the middle) may send anything; the record's own check is for our code.
            throw new PgWireException("ErrorResponse with SQLSTATE '" + code + "' (expected: 5 characters)");
        }
        return new ErrorResponse(plainSeverity != null ? plainSeverity : Objects.requireNonNullElse(severity, "ERROR"),
                code, message, detail, hint);
    }
}
