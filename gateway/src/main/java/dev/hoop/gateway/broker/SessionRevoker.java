package dev.hoop.gateway.broker;

import dev.hoop.gateway.auth.Revocations;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends open sessions when their user loses the right to them: the user disabled or deleted, the
 * API key revoked (at once, by principal id), or the user's access to the connection gone (groups,
 * access rules, the connection deleted: every open session of the org is re-checked against the
 * store, off the caller's thread). The session tells the client and the agent why, and records
 * the reason as its end.
 *
 * <p>A session being opened while a change lands could miss it (resolved before the change,
 * attached after the re-check ran); {@link #admitted} closes that gap by re-checking such a
 * session once attached, when a change happened since its connection was resolved.
 */
final class SessionRevoker implements Revocations.Listener {
    private static final Logger log = LoggerFactory.getLogger(SessionRevoker.class);
    static final String ACCESS_LOST = "your access to connection '%s' was removed (%s); the session is closed";
    static final String REVOKED = "your user was disabled or deleted, or your API key revoked; the session is closed";

    private final AgentDirectory agents;
    private final ConnectionCatalog catalog;
    private final Predicate<UUID> isRevoked;
    private final Executor checks = task -> Thread.ofVirtual().name("access-recheck").start(task);
    /** Counts changes, so that a session can tell whether one happened while it was being opened. */
    private final AtomicLong changes = new AtomicLong();

    SessionRevoker(AgentDirectory agents, ConnectionCatalog catalog, Predicate<UUID> isRevoked) {
        this.agents = agents;
        this.catalog = catalog;
        this.isRevoked = isRevoked;
    }

    /** Taken before a session's connection is resolved, handed to {@link #admitted}. */
    long changeCount() {
        return changes.get();
    }

    @Override
    public void revoked(UUID principalId, String reason) {
        changes.incrementAndGet();
        int ended = 0;
        for (AgentLink link : agents.links()) {
            for (ClientSession s : link.sessions()) {
                if (s.user().id().equals(principalId)) {
                    s.revoke(reason);
                    ended++;
                }
            }
        }
        if (ended > 0) {
            log.info("revocation: ended {} open session(s) of {} ({})", ended, principalId, reason);
        }
    }

    @Override
    public void accessChanged(UUID orgId, String reason) {
        changes.incrementAndGet();
        // the re-check reads the store: not on the API's request thread's critical path
        checks.execute(() -> {
            for (AgentLink link : agents.links()) {
                for (ClientSession s : link.sessions()) {
                    if (s.user().orgId().equals(orgId)) {
                        recheck(s, reason);
                    }
                }
            }
        });
    }

    @Override
    public void grantEnded(UUID principalId, UUID connectionId, String reason) {
        changes.incrementAndGet();
        int ended = 0;
        for (AgentLink link : agents.links()) {
            for (ClientSession s : link.sessions()) {
                if (s.user().id().equals(principalId) && s.connection().id().equals(connectionId) && s.verb() == dev.hoop.common.wire.Verb.CONNECT) {
                    s.revoke(reason);
                    ended++;
                }
            }
        }
        if (ended > 0) {
            log.info("access grant ended: ended {} open session(s) of {} ({})", ended, principalId, reason);
        }
    }

    /** A session just attached: re-check it if anything changed since its connection was resolved. */
    void admitted(ClientSession session, long changeCountAtResolve) {
        if (changes.get() == changeCountAtResolve) {
            return;
        }
        if (isRevoked.test(session.user().id())) {
            session.revoke(REVOKED);
            return;
        }
        checks.execute(() -> recheck(session, "it changed while the session was opening"));
    }

    private void recheck(ClientSession s, String reason) {
        try {
            if (!catalog.stillAllowed(s.user(), s.connection())) {
                log.info("session {}: {} lost access to '{}' ({}); ending it", s.id(), s.user().email(), s.connection().name(), reason);
                s.revoke(ACCESS_LOST.formatted(s.connection().name(), reason));
            }
        } catch (RuntimeException e) {
            // the store could not say: the session keeps running (a database outage must not end every session)
            log.error("session {}: re-checking the access of {} to '{}' failed; the session goes on", s.id(), s.user().email(),
                    s.connection().name(), e);
        }
    }
}
