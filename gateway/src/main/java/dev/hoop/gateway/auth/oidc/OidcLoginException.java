package dev.hoop.gateway.auth.oidc;

/**
 * A login that cannot complete: bad redirect, expired or mismatched state, code refused by the provider, ID token
 * rejected. The caller of {@code /api/callback} redirects to the login's redirect with {@code ?error=<reason>}.
 */
public final class OidcLoginException extends OidcException {
    OidcLoginException(String reason) {
        super(reason);
    }

    OidcLoginException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /**
     * The provider sent the user back with {@code ?error=…} instead of a code (user denied consent, misconfigured
     * client…); turns it into a login failure with the provider's words.
     */
    public static OidcLoginException providerError(String error, String description) {
        String base = "the identity provider refused the login: " + (error == null ? "unknown error" : error);
        return new OidcLoginException(description == null || description.isBlank() ? base : base + " (" + description + ")");
    }
}
