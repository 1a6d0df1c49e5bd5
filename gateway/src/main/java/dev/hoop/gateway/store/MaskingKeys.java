package dev.hoop.gateway.store;

import java.security.SecureRandom;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Each organization's key for the HASH masking format (32 random bytes, made on first use). It is
 * sent to the agent with the masking config and never appears in an API answer or a log.
 */
public final class MaskingKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Jdbc jdbc;

    public MaskingKeys(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** The org's key; the first caller creates it (concurrent first callers get the same one). */
    public byte[] forOrg(UUID orgId) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        jdbc.update("INSERT INTO masking_keys (org_id, hash_key) VALUES (?, ?) ON CONFLICT (org_id) DO NOTHING", orgId, fresh);
        return jdbc.one("SELECT hash_key FROM masking_keys WHERE org_id = ?", rs -> rs.getBytes(1), orgId).orElseThrow();
    }
}
