package dev.hoop.gateway.search;

/** The index is being rebuilt and cannot answer yet (an HTTP 503; the message says how far it got). */
public final class IndexNotReadyException extends IllegalStateException {
    IndexNotReadyException(String message) {
        super(message);
    }
}
