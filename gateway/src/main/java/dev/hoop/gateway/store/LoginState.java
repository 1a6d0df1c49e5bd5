package dev.hoop.gateway.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the gateway must remember between {@code GET /api/login} and {@code GET /api/callback} (the
 * {@code login_states} row): the {@code state} sent to the provider (the lookup key), the {@code nonce} expected in
 * the ID token, the PKCE code verifier, where to send the user afterwards, and when the login expires.
 * The caller stores it, loads it by the {@code state} query parameter of the callback, and deletes it when used
 * (a state is single-use). {@link #toString()} hides the nonce and the code verifier.
 */
public record LoginState(String state, String nonce, String codeVerifier, String redirect, Instant expiresAt) {

    public LoginState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(codeVerifier, "codeVerifier");
        Objects.requireNonNull(redirect, "redirect");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** True when the callback comes after {@link #expiresAt()}. */
    public boolean isExpired(Instant now) {
        return now.isAfter(expiresAt);
    }

    @Override
    public String toString() {
        return "LoginState[state=" + state + ", nonce=****, codeVerifier=****, redirect=" + redirect + ", expiresAt=" + expiresAt + "]";
    }
}
