package dev.hoop.gateway.store;

/** Storage could not be opened or a statement failed; the message names what and where. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
