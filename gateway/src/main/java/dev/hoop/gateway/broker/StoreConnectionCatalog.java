package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.store.Connections;
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

    public StoreConnectionCatalog(Connections connections, AccessControl access) {
        this.connections = connections;
        this.access = access;
    }

    @Override
    public Optional<ResolvedConnection> resolve(SessionUser user, String name) {
        if (!access.allowed(user.orgId(), user.groups(), name)) {
            return Optional.empty();
        }
        return connections.find(user.orgId(), name)
                .filter(c -> c.agentId() != null)
                .map(c -> new ResolvedConnection(c.id(), c.orgId(), c.name(), c.type(), c.agentId(), c.agentName(),
                        new ConnectionParams(c.name(), c.type(), c.command(), connections.secrets(c.id()))));
    }
}
