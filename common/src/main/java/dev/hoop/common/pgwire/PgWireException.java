package dev.hoop.common.pgwire;

/** A PostgreSQL wire message that does not follow the protocol; the message says what was wrong. */
public final class PgWireException extends RuntimeException {
    public PgWireException(String message) {
        super(message);
    }
}
