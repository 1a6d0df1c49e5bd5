package dev.hoop.gateway.store;

/** A row with the same unique key (name, email) exists already. */
public final class DuplicateException extends RuntimeException {
    DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
