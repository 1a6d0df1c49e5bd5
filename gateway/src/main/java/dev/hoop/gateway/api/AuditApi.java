package dev.hoop.gateway.api;

import dev.hoop.gateway.audit.SessionSealer;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Sessions.Session;
import io.helidon.http.Method;
import java.util.Base64;
import java.util.List;

/**
 * Tamper evidence of recordings: {@code GET /api/audit/publickey} (the key that signs them) and
 * {@code GET /api/sessions/{id}/verify} (recomputes a session's seal from its stored events). A
 * verification that fails is still a 200: the answer is the finding, {@code valid: false} with
 * what differs.
 */
final class AuditApi {
    record PublicKeyView(String algorithm, String publicKey, String pem, String fingerprint) {}

    private final Sessions sessions;
    private final SessionSeals seals;
    private final SessionSealer sealer;

    AuditApi(Sessions sessions, SessionSeals seals, SessionSealer sealer) {
        this.sessions = sessions;
        this.seals = seals;
        this.sealer = sealer;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/audit/publickey", Access.USER, c -> Reply.ok(new PublicKeyView("Ed25519",
                        Base64.getEncoder().encodeToString(sealer.publicKey()), sealer.publicKeyPem(), SessionSealer.fingerprint(sealer.publicKey())))),
                Route.of(Method.GET, "/api/sessions/{id}/verify", Access.USER, c -> {
                    Session s = find(c);
                    return Reply.ok(sealer.verify(s.id(), sessions.events(c.orgId(), s.id()), seals.find(c.orgId(), s.id())));
                }));
    }

    /** As {@code GET /api/sessions/{id}}: non-admins find only their own sessions, others are 404. */
    private Session find(Call c) {
        return SessionsApi.visible(sessions, c);
    }
}
