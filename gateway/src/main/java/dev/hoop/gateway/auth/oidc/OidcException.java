package dev.hoop.gateway.auth.oidc;

/**
 * A failure of the OpenID Connect flow. The message is a readable reason meant for the user (it never contains a
 * token, a code or a secret), so the caller may put it in {@code ?error=…} or in a 401 answer as is.
 */
public sealed class OidcException extends Exception permits OidcLoginException, InvalidTokenException, OidcUnavailableException {
    OidcException(String reason) {
        super(reason);
    }

    OidcException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The readable reason, same as {@link #getMessage()}. */
    public String reason() {
        return getMessage();
    }
}
