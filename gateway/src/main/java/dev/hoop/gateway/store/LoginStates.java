package dev.hoop.gateway.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code login_states} table: what an OIDC login must remember between {@code /api/login}
 * and {@code /api/callback}. {@link #take} deletes the row it answers, so a state works once.
 */
public final class LoginStates {
    private final Jdbc jdbc;

    public LoginStates(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    public void save(UUID orgId, LoginState s) {
        jdbc.update("INSERT INTO login_states (state, org_id, nonce, verifier, redirect_url, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                s.state(), orgId, s.nonce(), s.codeVerifier(), s.redirect(), OffsetDateTime.ofInstant(s.expiresAt(), java.time.ZoneOffset.UTC));
    }

    /** The stored state (and its org), removed in the same statement; empty when unknown or already used. */
    public Optional<Taken> take(String state) {
        return jdbc.one("DELETE FROM login_states WHERE state = ? RETURNING state, org_id, nonce, verifier, redirect_url, expires_at",
                LoginStates::map, state);
    }

    /** Forgets logins that were never completed. */
    public int purgeExpired(Instant now) {
        return jdbc.update("DELETE FROM login_states WHERE expires_at < ?", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
    }

    /** A taken state and the org the login was started for. */
    public record Taken(UUID orgId, LoginState state) {}

    private static Taken map(ResultSet rs) throws SQLException {
        return new Taken(rs.getObject("org_id", UUID.class), new LoginState(rs.getString("state"), rs.getString("nonce"),
                rs.getString("verifier"), rs.getString("redirect_url"), rs.getObject("expires_at", OffsetDateTime.class).toInstant()));
    }
}
