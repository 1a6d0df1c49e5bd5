package dev.hoop.gateway.auth.oidc;

/**
 * The identity provider could not be reached or answered something unusable (discovery, JWKS, token or userinfo
 * endpoint down or broken). The token may be fine: the caller answers 503 rather than 401, and the login callback
 * redirects with the reason.
 */
public final class OidcUnavailableException extends OidcException {
    OidcUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
