package dev.hoop.gateway.auth.oidc;

/**
 * An access or ID token that is not accepted: malformed, expired, wrong issuer or audience, bad signature, unknown
 * signing key, or rejected by the provider's userinfo endpoint. The caller answers 401 with the reason.
 */
public final class InvalidTokenException extends OidcException {
    InvalidTokenException(String reason) {
        super(reason);
    }

    InvalidTokenException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
