package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.LoginLimiter;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Users.User;
import io.helidon.http.Method;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Local users: sign-up (the first user of the org becomes admin; later ones only when an admin
 * opened sign-up), login with a signed token (failed attempts rate-limited per account and per
 * address), and {@code /api/userinfo}. With {@code ORG_MULTI_TENANT=true}, sign-up names its org
 * ({@code "org"}; a new org is created and its first user is admin) and login finds the user by
 * email across orgs ({@code "org"} picks one when the email is in several).
 */
final class LocalAuthApi {
    static final String SIGNUP_CLOSED = "sign-up is closed: an admin must create your user (hoop admin create user)";
    static final String INVALID_LOGIN = "invalid email or password";

    record Register(String email, String password, String name, String org) {}

    record Registered(UUID id, String email, String name, List<String> groups, String token, String refreshToken) {
        @Override
        public String toString() {
            return "Registered[id=" + id + ", email=" + email + ", token=****]";
        }
    }

    record Login(String email, String password, String org) {}

    record LoggedIn(String token, Instant expiresAt, String refreshToken) {
        @Override
        public String toString() {
            return "LoggedIn[token=****, expiresAt=" + expiresAt + ", refreshToken=****]";
        }
    }

    record Refresh(String refreshToken) {}

    static final String INVALID_REFRESH = "invalid, used or expired refresh token (sign in again with 'hoop login')";
    /** How long a refresh token works; each refresh hands out a new one. */
    static final java.time.Duration REFRESH_LIFETIME = java.time.Duration.ofDays(30);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    record UserInfo(UUID id, String email, String name, List<String> groups, boolean isAdmin, UUID orgId, String orgName, String status) {}

    private final Users users;
    private final Orgs orgs;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final String adminGroup;
    private final boolean multiTenant;
    private final LoginLimiter limiter;
    private final RefreshTokens refreshTokens;
    // Verifying against a real hash when the email is unknown keeps the timing of both failures alike.
    private final String decoyHash;

    LocalAuthApi(Users users, Orgs orgs, PasswordHasher hasher, TokenService tokens, String adminGroup, boolean multiTenant,
                 LoginLimiter limiter, RefreshTokens refreshTokens) {
        this.refreshTokens = refreshTokens;
        this.multiTenant = multiTenant;
        this.limiter = limiter;
        this.users = users;
        this.orgs = orgs;
        this.hasher = hasher;
        this.tokens = tokens;
        this.adminGroup = adminGroup;
        this.decoyHash = hasher.hash(UUID.randomUUID().toString());
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.POST, "/api/localauth/register", Access.PUBLIC, this::register),
                Route.of(Method.POST, "/api/localauth/login", Access.PUBLIC, this::login),
                Route.of(Method.POST, "/api/localauth/refresh", Access.PUBLIC, this::refresh),
                userinfoRoute());
    }

    /** {@code /api/userinfo}, mounted also when users sign in with OIDC. */
    Route userinfoRoute() {
        return Route.of(Method.GET, "/api/userinfo", Access.USER, this::userinfo);
    }

    private Reply register(Call c) {
        Register in = c.body(Register.class, "{\"email\", \"password\", \"name\"}");
        String email = Validate.email(in.email());
        String password = Validate.password(in.password());
        String name = in.name() == null || in.name().isBlank() ? email.substring(0, email.indexOf('@')) : in.name().trim();
        UUID org = multiTenant ? tenantFor(in) : c.orgId();
        String hash = hasher.hash(password);
        User u;
        try {
            u = users.register(org, email, name, hash, first -> {
                if (first) {
                    return List.of(adminGroup);
                }
                if (!orgs.signupEnabled(org)) {
                    throw new ApiException(403, SIGNUP_CLOSED);
                }
                return List.of();
            });
        } catch (DuplicateException e) {
            throw ApiException.conflict("a user with email '" + email + "' exists already (sign in with 'hoop login')");
        }
        return Reply.created(new Registered(u.id(), u.email(), u.name(), u.groups(), tokens.issue(u.id(), org).token(),
                newRefreshToken(org, u.id())));
    }

    private Reply login(Call c) {
        Login in = c.body(Login.class, "{\"email\", \"password\"}");
        if (in.email() == null || in.password() == null) {
            throw ApiException.badRequest("missing field '" + (in.email() == null ? "email" : "password") + "' (expected: {\"email\", \"password\"})");
        }
        String address = c.remoteAddress();
        limiter.blocked(in.email(), address).ifPresent(wait -> {
            throw new ApiException(429, "too many failed logins; try again in " + Math.max(1, wait.toSeconds()) + " s");
        });
        Optional<User> found = find(c, in);
        boolean ok = hasher.verify(in.password(), found.map(User::passwordHash).orElse(decoyHash)) && found.isPresent();
        if (!ok || !found.get().active()) {
            limiter.failed(in.email(), address);
            throw new ApiException(401, INVALID_LOGIN);
        }
        limiter.succeeded(in.email());
        return Reply.ok(session(found.get()));
    }

    /** A used refresh token for a new access token and a new refresh token; the user must still be active. */
    private Reply refresh(Call c) {
        Refresh in = c.body(Refresh.class, "{\"refresh_token\"}");
        if (in.refreshToken() == null || in.refreshToken().isBlank()) {
            throw ApiException.badRequest("missing field 'refresh_token' (expected: {\"refresh_token\": \"<the refresh_token of the login>\"})");
        }
        RefreshTokens.Owner owner = refreshTokens.take(AgentKeys.hash(in.refreshToken()), Instant.now())
                .orElseThrow(() -> new ApiException(401, INVALID_REFRESH));
        User u = users.byId(owner.orgId(), owner.userId()).filter(User::active)
                .orElseThrow(() -> new ApiException(401, INVALID_REFRESH));
        return Reply.ok(session(u));
    }

    private LoggedIn session(User u) {
        TokenService.Issued t = tokens.issue(u.id(), u.orgId());
        return new LoggedIn(t.token(), t.expiresAt(), newRefreshToken(u.orgId(), u.id()));
    }

    private String newRefreshToken(UUID orgId, UUID userId) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = "xref-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        refreshTokens.save(AgentKeys.hash(token), orgId, userId, Instant.now().plus(REFRESH_LIFETIME));
        return token;
    }

    private Reply userinfo(Call c) {
        Principal p = c.principal();
        User u = p.user();
        return Reply.ok(new UserInfo(u.id(), u.email(), u.name(), u.groups(), p.admin(), u.orgId(), orgs.name(u.orgId()), u.status()));
    }

    private Optional<User> find(Call c, Login in) {
        String email = in.email().trim();
        if (!multiTenant) {
            return users.byEmail(c.orgId(), email);
        }
        if (in.org() != null && !in.org().isBlank()) {
            return orgs.byName(in.org().trim()).flatMap(org -> users.byEmail(org, email));
        }
        List<User> all = users.byEmailAnyOrg(email);
        if (all.size() > 1) {
            throw ApiException.badRequest("the email '" + email + "' has users in several orgs (expected: \"org\": the org's name)");
        }
        return all.stream().findFirst();
    }

    /** Multi-tenant sign-up: the named org (created when new), or a new org named after the email. */
    private UUID tenantFor(Register in) {
        String name = in.org() == null || in.org().isBlank() ? Validate.email(in.email()) : Validate.name("org", in.org().trim());
        return orgs.ensure(name);
    }
}
