package dev.hoop.gateway.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Refresh tokens of local users, by the hash of the token (never the token). {@link #take}
 * deletes the row it answers: a refresh token works once, and the refresh hands out a new one.
 */
public final class RefreshTokens {
    /** Whose token it was. */
    public record Owner(UUID orgId, UUID userId) {}

    private final Jdbc jdbc;

    public RefreshTokens(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    public void save(String tokenHash, UUID orgId, UUID userId, Instant expiresAt) {
        jdbc.update("INSERT INTO refresh_tokens (token_hash, org_id, user_id, expires_at) VALUES (?, ?, ?, ?)",
                tokenHash, orgId, userId, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
    }

    /** The owner of an unexpired token, which is used up by this call; empty when unknown, used or expired. */
    public Optional<Owner> take(String tokenHash, Instant now) {
        record Row(Owner owner, Instant expiresAt) {}
        return jdbc.one("DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING org_id, user_id, expires_at",
                        rs -> new Row(new Owner(rs.getObject("org_id", UUID.class), rs.getObject("user_id", UUID.class)),
                                rs.getObject("expires_at", OffsetDateTime.class).toInstant()),
                        tokenHash)
                .filter(r -> r.expiresAt().isAfter(now))
                .map(Row::owner);
    }

    /** Forgets every refresh token of a user (disabled, password changed). */
    public void revokeAll(UUID userId) {
        jdbc.update("DELETE FROM refresh_tokens WHERE user_id = ?", userId);
    }

    public int purgeExpired(Instant now) {
        return jdbc.update("DELETE FROM refresh_tokens WHERE expires_at < ?", OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
    }
}
