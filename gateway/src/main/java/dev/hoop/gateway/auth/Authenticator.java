package dev.hoop.gateway.auth;

import dev.hoop.gateway.auth.oidc.AccessTokenVerifier;
import dev.hoop.gateway.auth.oidc.InvalidTokenException;
import dev.hoop.gateway.auth.oidc.OidcIdentity;
import dev.hoop.gateway.auth.oidc.OidcUnavailableException;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Users.User;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an {@code Authorization: Bearer <credential>} value into a {@link Principal}. The
 * credential is an API key ({@code xapi-…}), or an access token: the gateway's own HS256 token for
 * local users, or the identity provider's token when OIDC is on (then the user is found by the
 * token's subject, and created on first sight). The user must exist and be active, so disabling a
 * user revokes their tokens at once. Blocking (queries, maybe the provider): call it off event loops.
 */
public final class Authenticator {
    /** The answer to a missing, malformed, expired or unknown token (the reason is not told apart). */
    public static final String INVALID = "missing or invalid token (expected: Authorization: Bearer <token>; sign in with 'hoop login')";
    static final String MISSING = INVALID;
    public static final String DISABLED = "this user is disabled (ask an admin to enable it)";
    public static final String REVOKED_KEY = "invalid or revoked API key";

    private final TokenService tokens;
    private final Users users;
    private final ApiKeys apiKeys;
    private final AccessTokenVerifier oidc;
    private final UUID oidcOrg;
    private final String adminGroup;
    private final Revocations revocations;

    /**
     * @param oidc    null for local users
     * @param oidcOrg the org OIDC users belong to
     */
    public Authenticator(TokenService tokens, Users users, ApiKeys apiKeys, AccessTokenVerifier oidc, UUID oidcOrg, String adminGroup,
                         Revocations revocations) {
        this.tokens = tokens;
        this.users = users;
        this.apiKeys = apiKeys;
        this.oidc = oidc;
        this.oidcOrg = oidcOrg;
        this.adminGroup = adminGroup;
        this.revocations = revocations;
    }

    /**
     * @param authorization the header value, may be null
     * @throws AuthException 401 with the reason, or 503 when the identity provider cannot be asked
     */
    public Principal require(String authorization) {
        String token = bearer(authorization);
        if (token == null) {
            throw new AuthException(401, MISSING);
        }
        if (ApiKeySecrets.looksLikeKey(token)) {
            return apiKeys.byHash(AgentKeys.hash(token))
                    .map(k -> principal(new User(k.id(), k.orgId(), "apikey:" + k.name(), k.name(), null, "active", k.groups(),
                            k.createdAt())))
                    .orElseThrow(() -> new AuthException(401, REVOKED_KEY));
        }
        User user = oidc != null ? oidcUser(token) : localUser(token);
        if (!user.active()) {
            throw new AuthException(401, DISABLED);
        }
        return principal(user);
    }

    /** Like {@link #require}, but empty for a 401 (a 503 still throws). */
    public Optional<Principal> authenticate(String authorization) {
        try {
            return Optional.of(require(authorization));
        } catch (AuthException e) {
            if (e.unavailable()) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** False once the principal was disabled, deleted or revoked after it authenticated (open streams). */
    public boolean stillValid(Principal p) {
        return !revocations.isRevoked(p.user().id());
    }

    public String adminGroup() {
        return adminGroup;
    }

    public Revocations revocations() {
        return revocations;
    }

    private Principal principal(User u) {
        return new Principal(u, u.groups().contains(adminGroup));
    }

    private User localUser(String token) {
        return tokens.verify(token)
                .flatMap(c -> users.byId(c.orgId(), c.userId()))
                .orElseThrow(() -> new AuthException(401, INVALID));
    }

    private User oidcUser(String token) {
        OidcIdentity who;
        try {
            who = oidc.verify(token);
        } catch (InvalidTokenException e) {
            throw new AuthException(401, e.reason());
        } catch (OidcUnavailableException e) {
            throw new AuthException(503, e.reason());
        }
        Optional<User> known = users.bySubject(oidcOrg, who.subject());
        if (known.isPresent()) {
            return known.get();
        }
        // The provider vouches for a user who never went through /api/callback (e.g. a token obtained by a script).
        return users.upsertBySubject(oidcOrg, who.subject(), who.email(), who.name(),
                who.groupsClaimPresent() ? who.groups() : null, adminGroup);
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
