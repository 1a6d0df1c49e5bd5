package dev.hoop.gateway.auth;

import dev.hoop.gateway.store.Users;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer <token>} value into a {@link Principal}: the token must be
 * ours and unexpired, and its user must still exist and be active (so disabling a user revokes
 * their tokens at once). Blocking (one query): call it off event loops.
 */
public final class Authenticator {
    private final TokenService tokens;
    private final Users users;
    private final String adminGroup;

    public Authenticator(TokenService tokens, Users users, String adminGroup) {
        this.tokens = tokens;
        this.users = users;
        this.adminGroup = adminGroup;
    }

    /**
     * @param authorization the header value, may be null
     * @return the principal, or empty for a missing, malformed, expired or revoked credential
     */
    public Optional<Principal> authenticate(String authorization) {
        String token = bearer(authorization);
        if (token == null) {
            return Optional.empty();
        }
        return tokens.verify(token)
                .flatMap(c -> users.byId(c.orgId(), c.userId()))
                .filter(Users.User::active)
                .map(u -> new Principal(u, u.groups().contains(adminGroup)));
    }

    public String adminGroup() {
        return adminGroup;
    }

    /** The token of a {@code Bearer} header value, or null. */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.length() < 8 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = v.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
