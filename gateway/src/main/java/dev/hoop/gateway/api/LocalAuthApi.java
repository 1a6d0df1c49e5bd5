package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Users.User;
import io.helidon.http.Method;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Local users: sign-up (the first user of the org becomes admin; later ones only when an admin
 * opened sign-up), login with a signed token, and {@code /api/userinfo}.
 */
final class LocalAuthApi {
    static final String SIGNUP_CLOSED = "sign-up is closed: an admin must create your user (hoop admin create user)";
    static final String INVALID_LOGIN = "invalid email or password";

    record Register(String email, String password, String name) {}

    record Registered(UUID id, String email, String name, List<String> groups, String token) {
        @Override
        public String toString() {
            return "Registered[id=" + id + ", email=" + email + ", token=****]";
        }
    }

    record Login(String email, String password) {}

    record LoggedIn(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "LoggedIn[token=****, expiresAt=" + expiresAt + "]";
        }
    }

    record UserInfo(UUID id, String email, String name, List<String> groups, boolean isAdmin, UUID orgId, String status) {}

    private final Users users;
    private final Orgs orgs;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final String adminGroup;
    // Verifying against a real hash when the email is unknown keeps the timing of both failures alike.
    private final String decoyHash;

    LocalAuthApi(Users users, Orgs orgs, PasswordHasher hasher, TokenService tokens, String adminGroup) {
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
                Route.of(Method.GET, "/api/userinfo", Access.USER, this::userinfo));
    }

    private Reply register(Call c) {
        Register in = c.body(Register.class, "{\"email\", \"password\", \"name\"}");
        String email = Validate.email(in.email());
        String password = Validate.password(in.password());
        String name = in.name() == null || in.name().isBlank() ? email.substring(0, email.indexOf('@')) : in.name().trim();
        UUID org = c.orgId();
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
        return Reply.created(new Registered(u.id(), u.email(), u.name(), u.groups(), tokens.issue(u.id(), org).token()));
    }

    private Reply login(Call c) {
        Login in = c.body(Login.class, "{\"email\", \"password\"}");
        if (in.email() == null || in.password() == null) {
            throw ApiException.badRequest("missing field '" + (in.email() == null ? "email" : "password") + "' (expected: {\"email\", \"password\"})");
        }
        Optional<User> found = users.byEmail(c.orgId(), in.email().trim());
        boolean ok = hasher.verify(in.password(), found.map(User::passwordHash).orElse(decoyHash)) && found.isPresent();
        if (!ok || !found.get().active()) {
            throw new ApiException(401, INVALID_LOGIN);
        }
        TokenService.Issued t = tokens.issue(found.get().id(), found.get().orgId());
        return Reply.ok(new LoggedIn(t.token(), t.expiresAt()));
    }

    private Reply userinfo(Call c) {
        Principal p = c.principal();
        User u = p.user();
        return Reply.ok(new UserInfo(u.id(), u.email(), u.name(), u.groups(), p.admin(), u.orgId(), u.status()));
    }
}
