package dev.hoop.gateway.auth;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Principals (users, API keys) disabled, deleted or revoked while this gateway runs. New requests
 * re-read the user or key from the store anyway; this set is what open gRPC streams check at each
 * packet, where a database query per packet would cost too much. One map lookup per check.
 */
public final class Revocations {
    private final Set<UUID> revoked = ConcurrentHashMap.newKeySet();

    public void revoke(UUID principalId) {
        revoked.add(principalId);
    }

    /** The user was enabled again: its new tokens and streams work. */
    public void reinstate(UUID principalId) {
        revoked.remove(principalId);
    }

    public boolean isRevoked(UUID principalId) {
        return revoked.contains(principalId);
    }
}
