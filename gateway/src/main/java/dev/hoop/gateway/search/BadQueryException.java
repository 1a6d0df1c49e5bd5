package dev.hoop.gateway.search;

/** A search query that cannot be run; the message says which term was wrong and what was expected (an HTTP 400). */
public final class BadQueryException extends IllegalArgumentException {
    BadQueryException(String message) {
        super(message);
    }
}
