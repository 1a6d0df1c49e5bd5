package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.masking.MaskingRules;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.MaskingKeys;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.Users;
import java.util.Optional;

/**
 * Resolves a connection by name within the user's org, with its secrets, for the agent. A
 * connection without an agent cannot be opened and is reported as such by the broker's caller. A
 * connection the user may not use ({@link AccessControl}) is answered exactly like a missing one,
 * so that its name does not leak.
 */
public final class StoreConnectionCatalog implements ConnectionCatalog {
    private final Connections connections;
    private final AccessControl access;
    private final Users users;
    private final Plugins plugins;
    private final MaskingKeys maskingKeys;

    public StoreConnectionCatalog(Connections connections, AccessControl access, Users users) {
        this(connections, access, users, null, null);
    }

    /**
     * @param plugins where the {@code guardrails} plugin's rules and the {@code dlp} plugin's masking rules are read
     *     (null: neither)
     * @param maskingKeys the orgs' keys for the HASH masking format
     */
    public StoreConnectionCatalog(Connections connections, AccessControl access, Users users, Plugins plugins, MaskingKeys maskingKeys) {
        this.connections = connections;
        this.access = access;
        this.users = users;
        this.plugins = plugins;
        this.maskingKeys = maskingKeys;
    }

    /** The connection's guardrail rules, sent to the agent with its params (docs/guardrails.md). */
    private java.util.List<String> guardrails(java.util.UUID orgId, String connection) {
        if (plugins == null) {
            return java.util.List.of();
        }
        return plugins.find(orgId, dev.hoop.common.guardrails.GuardrailRules.PLUGIN).map(p -> p.connections().get(connection)).orElse(java.util.List.of());
    }


    @Override
    public Optional<ResolvedConnection> resolve(SessionUser user, String name) {
        if (!access.allowed(user.orgId(), user.groups(), name)) {
            return Optional.empty();
        }
        return connections.find(user.orgId(), name)
                .filter(c -> c.agentId() != null)
                .map(c -> new ResolvedConnection(c.id(), c.orgId(), c.name(), c.type(), c.agentId(), c.agentName(),
                        new ConnectionParams(c.name(), c.type(), c.command(), connections.secrets(c.id()), guardrails(c.orgId(), c.name())),
                        masking(user.orgId(), c.name())));
    }

    /** The connection's masking, from the dlp plugin; rules that no longer validate refuse the session (fail closed). */
    private ResolvedConnection.Masking masking(java.util.UUID orgId, String connection) {
        if (plugins == null) {
            return null;
        }
        return plugins.find(orgId, MaskingRules.PLUGIN)
                .map(p -> p.connections().get(connection))
                .map(rules -> new ResolvedConnection.Masking(MaskingRules.configString(rules), maskingKeys.forOrg(orgId)))
                .orElse(null);
    }

    /**
     * With the user's groups as stored now (they are fixed at sign-in in the session's user). An
     * API key is not a user row: its groups cannot change, the ones it signed in with hold.
     */
    @Override
    public boolean stillAllowed(SessionUser user, ResolvedConnection connection) {
        var groups = users.byId(user.orgId(), user.id()).map(Users.User::groups).orElse(java.util.List.copyOf(user.groups()));
        return access.allowed(user.orgId(), groups, connection.name())
                && connections.find(user.orgId(), connection.name()).map(c -> c.id().equals(connection.id())).orElse(false);
    }
}
