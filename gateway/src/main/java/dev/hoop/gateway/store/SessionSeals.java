package dev.hoop.gateway.store;

import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The seals of sessions' recordings ({@code session_seals}): written when a session's events are
 * flushed, read back to verify them. One row per session; a session flushed twice is sealed again.
 */
public final class SessionSeals {
    /**
     * @param eventHashes the SHA-256 of each event, in order (32 bytes each)
     * @param publicKey   the signer's public key, X.509 encoded
     */
    public record Seal(long eventCount, byte[] eventHashes, byte[] digest, byte[] signature, byte[] publicKey) {}

    private final Jdbc jdbc;

    public SessionSeals(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    public void put(UUID sessionId, Seal seal) {
        jdbc.transaction(c -> {
            Jdbc.update(c, "DELETE FROM session_seals WHERE session_id = ?", sessionId);
            Jdbc.update(c, "INSERT INTO session_seals (session_id, org_id, event_count, event_hashes, digest, signature, public_key) "
                            + "SELECT id, org_id, ?, ?, ?, ?, ? FROM sessions WHERE id = ?",
                    seal.eventCount(), seal.eventHashes(), seal.digest(), seal.signature(), seal.publicKey(), sessionId);
            return null;
        });
    }

    public Optional<Seal> find(UUID orgId, UUID sessionId) {
        return jdbc.one("SELECT event_count, event_hashes, digest, signature, public_key FROM session_seals WHERE org_id = ? AND session_id = ?",
                rs -> new Seal(rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4), rs.getBytes(5)), orgId, sessionId);
    }
}
