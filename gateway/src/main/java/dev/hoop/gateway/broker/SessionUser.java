package dev.hoop.gateway.broker;

import java.util.Set;

/** The signed-in user a client stream belongs to, as the broker needs it. */
public record SessionUser(String id, String orgId, String email, Set<String> groups) {
    public SessionUser {
        groups = Set.copyOf(groups);
    }
}
