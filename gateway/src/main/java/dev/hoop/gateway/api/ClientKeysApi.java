package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.broker.SessionBroker;
import dev.hoop.gateway.store.ClientKeys;
import dev.hoop.gateway.store.ClientKeys.ClientKey;
import dev.hoop.gateway.store.DuplicateException;
import io.helidon.http.Method;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Client keys ({@code /api/clientkeys[/{name}]}, admins only; docs/clientkeys.md). Creating a key,
 * or rotating it, answers its DSN once (only the secret's SHA-256 is stored). Disabling, rotating
 * or deleting a key cuts its agents off at once, and a disabled key's agents cannot sign in again;
 * deleting it deletes the connections they published.
 */
final class ClientKeysApi {
    /**
     * The key name is the published connections' prefix ({@code KEY:item}), so it holds no ':'; 63 + 1 + an item's 64
     * keep a published name within the 128 characters of any connection name.
     */
    static final Pattern KEY_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final String EXPECTED_NAME = "1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit";

    record KeyView(UUID id, String name, boolean active, List<String> connections, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    /** The answer that carries a new secret, the one time it is shown; {@link #toString()} hides it. */
    record Issued(UUID id, String name, boolean active, String dsn) {
        @Override
        public String toString() {
            return "Issued[id=" + id + ", name=" + name + ", active=" + active + ", dsn=****]";
        }
    }

    record Create(String name, Boolean active) {}

    /** @param rotate issue a new secret (the old one stops working) */
    record Update(Boolean active, Boolean rotate) {}

    private final ClientKeys keys;
    private final SessionBroker broker;
    private final ServerInfo info;

    ClientKeysApi(ClientKeys keys, SessionBroker broker, ServerInfo info) {
        this.keys = keys;
        this.broker = broker;
        this.info = info;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/clientkeys", Access.ADMIN, c -> Reply.ok(keys.list(c.orgId()).stream().map(this::view).toList())),
                Route.of(Method.POST, "/api/clientkeys", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/clientkeys/{name}", Access.ADMIN, c -> Reply.ok(view(find(c)))),
                Route.of(Method.PUT, "/api/clientkeys/{name}", Access.ADMIN, this::update),
                Route.of(Method.DELETE, "/api/clientkeys/{name}", Access.ADMIN, this::delete));
    }

    private ClientKey find(Call c) {
        String name = c.param("name");
        return keys.find(c.orgId(), name).orElseThrow(() -> ApiException.notFound("client key '" + name + "' not found"));
    }

    private KeyView view(ClientKey k) {
        return new KeyView(k.id(), k.name(), k.active(), keys.connectionNames(k.id()), k.createdAt(), k.updatedAt());
    }

    private Reply create(Call c) {
        Create in = c.body(Create.class, "{\"name\", \"active\": true}");
        String name = keyName(in.name());
        String secret = AgentKeys.newSecret();
        ClientKey k;
        try {
            k = keys.create(c.orgId(), name, AgentKeys.hash(secret), in.active() == null || in.active());
        } catch (DuplicateException e) {
            throw ApiException.conflict("client key '" + name + "' exists already (PUT /api/clientkeys/" + name
                    + " {\"rotate\": true}, or 'hoop admin create clientkeys " + name + " --overwrite', issues a new key)");
        }
        return Reply.created(issued(k, secret));
    }

    /**
     * Changes {@code active}, and with {@code rotate} issues a new secret; with {@code rotate}, creates the key when
     * there is none of that name ({@code hoop admin create clientkeys NAME --overwrite}).
     */
    private Reply update(Call c) {
        String name = keyName(c.param("name"));
        Update in = c.body(Update.class, "{\"active\": true|false, \"rotate\": true|false}");
        boolean rotate = Boolean.TRUE.equals(in.rotate());
        var current = keys.find(c.orgId(), name);
        if (current.isEmpty() && !rotate) {
            throw ApiException.notFound("client key '" + name + "' not found");
        }
        if (current.isEmpty()) {
            String secret = AgentKeys.newSecret();
            try {
                return Reply.created(issued(keys.create(c.orgId(), name, AgentKeys.hash(secret), in.active() == null || in.active()), secret));
            } catch (DuplicateException e) {
                throw ApiException.conflict("client key '" + name + "' was created meanwhile; retry");
            }
        }
        boolean active = in.active() == null ? current.get().active() : in.active();
        if (rotate) {
            String secret = AgentKeys.newSecret();
            ClientKey k = keys.rotate(c.orgId(), name, AgentKeys.hash(secret), active)
                    .orElseThrow(() -> ApiException.notFound("client key '" + name + "' not found"));
            cutOff(k, "client key '" + name + "' was replaced by a new key");
            return Reply.ok(issued(k, secret));
        }
        ClientKey k = keys.setActive(c.orgId(), name, active).orElseThrow(() -> ApiException.notFound("client key '" + name + "' not found"));
        if (!active) {
            cutOff(k, "client key '" + name + "' was disabled");
        }
        return Reply.ok(view(k));
    }

    private Reply delete(Call c) {
        ClientKey k = find(c);
        List<UUID> agents = keys.agentIds(k.id());
        keys.delete(c.orgId(), k.name()).orElseThrow(() -> ApiException.notFound("client key '" + k.name() + "' not found"));
        broker.disconnectAgents(agents, "client key '" + k.name() + "' was deleted");
        return Reply.noContent();
    }

    /** After the store changed: a reconnect is refused, so the agents stay off. */
    private void cutOff(ClientKey k, String reason) {
        broker.disconnectAgents(keys.agentIds(k.id()), reason);
    }

    private Issued issued(ClientKey k, String secret) {
        return new Issued(k.id(), k.name(), k.active(), AgentsApi.dsn(info, k.name(), secret, "standard"));
    }

    private static String keyName(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("missing field 'name' (expected: " + EXPECTED_NAME + ")");
        }
        if (!KEY_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("client key name '" + name + "' is not valid (expected: " + EXPECTED_NAME
                    + "; it prefixes the published connections, KEY:item)");
        }
        return name;
    }
}
