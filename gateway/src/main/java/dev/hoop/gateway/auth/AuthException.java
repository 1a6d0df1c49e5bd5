package dev.hoop.gateway.auth;

/**
 * A credential that cannot be accepted: {@code 401} with the reason (missing, invalid, expired,
 * revoked), or {@code 503} when the identity provider could not be asked. The message never
 * contains the credential.
 */
public final class AuthException extends RuntimeException {
    private final int status;

    public AuthException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** 401 or 503. */
    public int status() {
        return status;
    }

    public boolean unavailable() {
        return status == 503;
    }
}
