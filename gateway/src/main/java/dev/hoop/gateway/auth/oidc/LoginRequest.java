package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.store.LoginState;
import java.net.URI;
import java.util.Objects;

/**
 * The answer of {@link OidcProvider#loginRequest(String)}: the provider's authorization URL to send the user to
 * (the {@code login_url} of {@code GET /api/login}), and the state the caller must store until the callback.
 */
public record LoginRequest(URI loginUrl, LoginState state) {
    public LoginRequest {
        Objects.requireNonNull(loginUrl, "loginUrl");
        Objects.requireNonNull(state, "state");
    }
}
