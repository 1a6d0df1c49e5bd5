package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Users.User;
import io.helidon.http.Method;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Admin CRUD of users ({@code /api/users[/{id or email}]}). Password hashes never leave the store. */
final class UsersApi {
    record UserView(UUID id, String email, String name, List<String> groups, String status, OffsetDateTime createdAt) {
        static UserView of(User u) {
            return new UserView(u.id(), u.email(), u.name(), u.groups(), u.status(), u.createdAt());
        }
    }

    record Create(String email, String name, String password, List<String> groups) {}

    record Update(String name, List<String> groups, String status, String password) {}

    private static final Set<String> STATUSES = Set.of("active", "disabled");
    private final Users users;
    private final PasswordHasher hasher;
    private final Revocations revocations;
    private final RefreshTokens refreshTokens;

    UsersApi(Users users, PasswordHasher hasher, Revocations revocations, RefreshTokens refreshTokens) {
        this.users = users;
        this.hasher = hasher;
        this.revocations = revocations;
        this.refreshTokens = refreshTokens;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/users", Access.ADMIN,
                        c -> Reply.ok(users.list(c.orgId()).stream().map(UserView::of).toList())),
                Route.of(Method.POST, "/api/users", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/users/{id}", Access.ADMIN, c -> Reply.ok(UserView.of(find(c)))),
                Route.of(Method.PUT, "/api/users/{id}", Access.ADMIN, this::update),
                Route.of(Method.DELETE, "/api/users/{id}", Access.ADMIN, this::delete));
    }

    private User find(Call c) {
        String key = c.param("id");
        return users.find(c.orgId(), key).orElseThrow(() -> ApiException.notFound("user '" + key + "' not found"));
    }

    private Reply create(Call c) {
        Create in = c.body(Create.class, "{\"email\", \"name\", \"password\"?, \"groups\": [...]}");
        String email = Validate.email(in.email());
        String hash = in.password() == null ? null : hasher.hash(Validate.password(in.password()));
        List<String> groups = in.groups() == null ? List.of() : Validate.groups(in.groups());
        String name = in.name() == null || in.name().isBlank() ? email.substring(0, email.indexOf('@')) : in.name().trim();
        try {
            return Reply.created(UserView.of(users.create(c.orgId(), email, name, hash, groups)));
        } catch (DuplicateException e) {
            throw ApiException.conflict("a user with email '" + email + "' exists already");
        }
    }

    private Reply update(Call c) {
        User u = find(c);
        Update in = c.body(Update.class, "{\"name\"?, \"groups\"?, \"status\"?: \"active\"|\"disabled\", \"password\"?}");
        if (in.status() != null && !STATUSES.contains(in.status())) {
            throw ApiException.badRequest("status '" + in.status() + "' is not valid (expected: active or disabled)");
        }
        String hash = in.password() == null ? null : hasher.hash(Validate.password(in.password()));
        Users.Changes ch = new Users.Changes(in.name(), Validate.groups(in.groups()), in.status(), hash);
        if ("disabled".equals(in.status()) && u.id().equals(c.principal().user().id())) {
            throw ApiException.badRequest("you cannot disable your own user (ask another admin)");
        }
        User updated = users.update(c.orgId(), u.id(), ch)
                .orElseThrow(() -> ApiException.notFound("user '" + c.param("id") + "' not found"));
        if (hash != null || !updated.active()) {
            // a new password or a disabled user: the sign-ins made before cannot be renewed
            refreshTokens.revokeAll(updated.id());
        }
        // Open sessions of a disabled user end now; new requests re-read the status anyway.
        if (updated.active()) {
            revocations.reinstate(updated.id());
        } else {
            revocations.revoke(updated.id(), Revocations.USER_DISABLED);
        }
        if (updated.active() && ch.groups() != null && !ch.groups().equals(u.groups())) {
            revocations.accessChanged(c.orgId(), "the groups of user " + updated.email() + " changed");
        }
        return Reply.ok(UserView.of(updated));
    }

    private Reply delete(Call c) {
        User u = find(c);
        if (u.id().equals(c.principal().user().id())) {
            throw ApiException.badRequest("you cannot delete your own user (ask another admin)");
        }
        users.delete(c.orgId(), u.id());
        revocations.revoke(u.id(), Revocations.USER_DELETED);
        return Reply.noContent();
    }
}
