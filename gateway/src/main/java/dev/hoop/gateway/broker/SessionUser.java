package dev.hoop.gateway.broker;

import java.util.Set;
import java.util.UUID;

/** The signed-in user a client stream belongs to, as the broker needs it. */
public record SessionUser(UUID id, UUID orgId, String email, Set<String> groups) {
    public SessionUser {
        groups = Set.copyOf(groups);
    }
}
