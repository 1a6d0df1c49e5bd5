package dev.hoop.gateway.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** API keys of an org: a name, the groups the key acts with, and the hash of its secret (never the secret). */
public final class ApiKeys {

    /** A stored key; {@link #toString()} never shows the hash. */
    public record ApiKey(UUID id, UUID orgId, String name, List<String> groups, OffsetDateTime createdAt, OffsetDateTime revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    private static final String SELECT = "SELECT id, org_id, name, groups, created_at, revoked_at FROM api_keys ";
    private final Jdbc jdbc;

    public ApiKeys(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** @throws DuplicateException when the name exists in the org (revoked keys keep their name) */
    public ApiKey create(UUID orgId, String name, String keyHash, List<String> groups) {
        return jdbc.query("INSERT INTO api_keys (org_id, name, key_hash, groups) VALUES (?, ?, ?, ?) "
                + "RETURNING id, org_id, name, groups, created_at, revoked_at", ApiKeys::map, orgId, name, keyHash,
                groups.toArray(String[]::new)).getFirst();
    }

    public List<ApiKey> list(UUID orgId) {
        return jdbc.query(SELECT + "WHERE org_id = ? ORDER BY created_at, name", ApiKeys::map, orgId);
    }

    public Optional<ApiKey> find(UUID orgId, String name) {
        return jdbc.one(SELECT + "WHERE org_id = ? AND name = ?", ApiKeys::map, orgId, name);
    }

    /** The active key with this hash. */
    public Optional<ApiKey> byHash(String keyHash) {
        return jdbc.one(SELECT + "WHERE key_hash = ? AND revoked_at IS NULL", ApiKeys::map, keyHash);
    }

    /** Marks the key revoked; empty when there is no active key of that name. */
    public Optional<ApiKey> revoke(UUID orgId, String name) {
        return jdbc.one("UPDATE api_keys SET revoked_at = now() WHERE org_id = ? AND name = ? AND revoked_at IS NULL "
                + "RETURNING id, org_id, name, groups, created_at, revoked_at", ApiKeys::map, orgId, name);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"),
                List.of((String[]) rs.getArray("groups").getArray()), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("revoked_at", OffsetDateTime.class));
    }
}
