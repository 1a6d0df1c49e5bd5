package dev.hoop.gateway.broker;

import java.util.Optional;

/** Looks up connections for the broker (backed by the database). */
public interface ConnectionCatalog {
    /** The connection named {@code name} that {@code user} may use, or empty when there is none for them. */
    Optional<ResolvedConnection> resolve(SessionUser user, String name);
}
