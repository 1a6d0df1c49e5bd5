package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.ApiKeySecrets;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.ApiKeys.ApiKey;
import dev.hoop.gateway.store.DuplicateException;
import io.helidon.http.Method;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * API keys for automation ({@code /api/apikeys[/{name}]}, admins only): the secret is answered
 * once by the create call and stored hashed; {@code DELETE} revokes the key at once (also on its
 * open gRPC streams).
 */
final class ApiKeysApi {
    record KeyView(UUID id, String name, List<String> groups, String status, OffsetDateTime createdAt, OffsetDateTime revokedAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id(), k.name(), k.groups(), k.active() ? "active" : "revoked", k.createdAt(), k.revokedAt());
        }
    }

    /** The create answer, the one time the secret is shown; {@link #toString()} hides it. */
    record Created(UUID id, String name, List<String> groups, String key) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", name=" + name + ", key=****]";
        }
    }

    record Create(String name, List<String> groups) {}

    private final ApiKeys keys;
    private final Revocations revocations;

    ApiKeysApi(ApiKeys keys, Revocations revocations) {
        this.keys = keys;
        this.revocations = revocations;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/apikeys", Access.ADMIN, c -> Reply.ok(keys.list(c.orgId()).stream().map(KeyView::of).toList())),
                Route.of(Method.POST, "/api/apikeys", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/apikeys/{name}", Access.ADMIN, c -> Reply.ok(KeyView.of(keys.find(c.orgId(), c.param("name"))
                        .orElseThrow(() -> ApiException.notFound("API key '" + c.param("name") + "' not found"))))),
                Route.of(Method.DELETE, "/api/apikeys/{name}", Access.ADMIN, this::revoke));
    }

    private Reply create(Call c) {
        Create in = c.body(Create.class, "{\"name\", \"groups\": [...]}");
        String name = Validate.name("name", in.name());
        List<String> groups = in.groups() == null ? List.of() : Validate.groups(in.groups());
        String secret = ApiKeySecrets.newSecret();
        try {
            ApiKey k = keys.create(c.orgId(), name, AgentKeys.hash(secret), groups);
            return Reply.created(new Created(k.id(), k.name(), k.groups(), secret));
        } catch (DuplicateException e) {
            throw ApiException.conflict("API key '" + name + "' exists already (names stay taken after a revocation; choose another)");
        }
    }

    private Reply revoke(Call c) {
        String name = c.param("name");
        ApiKey k = keys.revoke(c.orgId(), name).orElseThrow(() -> ApiException.notFound("API key '" + name + "' not found or already revoked"));
        revocations.revoke(k.id(), Revocations.KEY_REVOKED);
        return Reply.noContent();
    }
}
