package dev.hoop.gateway.auth;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Principals (users, API keys) disabled, deleted or revoked while this gateway runs, and changes
 * of who may use which connection. New requests re-read the user or key from the store anyway;
 * the set is what open gRPC streams check at each packet (one map lookup), and the listeners are
 * how open sessions learn of a change at once rather than at their next packet (an exec that only
 * streams output sends none).
 */
public final class Revocations {
    private static final Logger log = LoggerFactory.getLogger(Revocations.class);

    /** Told of each change, on the thread that made it; must not block (hand work to another thread). */
    public interface Listener {
        /** The principal's open sessions must end; {@code reason} is for the user and the audit. */
        void revoked(UUID principalId, String reason);

        /** Group memberships, connections or access rules of the org changed: re-check its open sessions. */
        void accessChanged(UUID orgId, String reason);

        /** A time-boxed grant (a jit review) of the principal on the connection ended: its connect sessions there end. */
        default void grantEnded(UUID principalId, UUID connectionId, String reason) {}
    }

    public static final String USER_DISABLED = "your user was disabled by an admin; the session is closed";
    public static final String USER_DELETED = "your user was deleted by an admin; the session is closed";
    public static final String KEY_REVOKED = "the API key of this session was revoked; the session is closed";

    private final Set<UUID> revoked = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Marks the principal revoked and ends its open sessions with {@code reason}. */
    public void revoke(UUID principalId, String reason) {
        revoked.add(principalId);
        for (Listener l : listeners) {
            try {
                l.revoked(principalId, reason);
            } catch (RuntimeException e) {
                log.error("revocation of {}: ending its sessions failed", principalId, e);
            }
        }
    }

    /** The user was enabled again: its new tokens and streams work. */
    public void reinstate(UUID principalId) {
        revoked.remove(principalId);
    }

    public boolean isRevoked(UUID principalId) {
        return revoked.contains(principalId);
    }

    /** A jit review's grant expired or was revoked: the principal's connect sessions on the connection end with {@code reason}. */
    public void grantEnded(UUID principalId, UUID connectionId, String reason) {
        for (Listener l : listeners) {
            try {
                l.grantEnded(principalId, connectionId, reason);
            } catch (RuntimeException e) {
                log.error("grant of {} on connection {} ended: ending its sessions failed", principalId, connectionId, e);
            }
        }
    }

    /** Who may use what in the org changed (after the change is stored). */
    public void accessChanged(UUID orgId, String reason) {
        for (Listener l : listeners) {
            try {
                l.accessChanged(orgId, reason);
            } catch (RuntimeException e) {
                log.error("access change in org {}: re-checking its sessions failed", orgId, e);
            }
        }
    }
}
