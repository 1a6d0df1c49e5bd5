package dev.hoop.gateway.broker;

import java.util.Optional;

/** Looks up connections for the broker (backed by the database). */
interface ConnectionCatalog {
    /** The connection named {@code name} that {@code user} may use, or empty when there is none for them. */
    Optional<ResolvedConnection> resolve(SessionUser user, String name);

    /**
     * Whether {@code user} may still use the connection an open session runs on, as the store says
     * now (its current groups and rules): the same connection (by id, so not a deleted one whose
     * name was reused) must still resolve.
     */
    default boolean stillAllowed(SessionUser user, ResolvedConnection connection) {
        return resolve(user, connection.name()).map(c -> c.id().equals(connection.id())).orElse(false);
    }
}
