package dev.hoop.gateway.review;

/** A review action refused: {@code status} is the HTTP status the API answers with, the message says why and what to do. */
public final class ReviewException extends RuntimeException {
    private final int status;

    ReviewException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
