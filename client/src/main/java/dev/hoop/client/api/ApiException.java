package dev.hoop.client.api;

/**
 * The gateway answered with an error status; the message is the server's own {@code message}
 * field (or a description of the status when the body has none), ready to show to the user.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
