package dev.hoop.gateway.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Agents. Only the hex SHA-256 of an agent's secret is stored ({@code key_hash}), never the secret. */
public final class Agents {

    /** @param clientKeyId set for an agent that signed in with a client key and publishes its connections (keyHash null) */
    public record Agent(UUID id, UUID orgId, String name, String mode, String keyHash, String hostname, String version,
                        String platform, OffsetDateTime createdAt, UUID clientKeyId) {}

    static final String COLUMNS = "id, org_id, name, mode, key_hash, hostname, version, platform, created_at, client_key_id";
    static final String SELECT = "SELECT " + COLUMNS + " FROM agents ";
    private final Jdbc jdbc;

    public Agents(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** @throws DuplicateException when the name exists in the org */
    public Agent create(UUID orgId, String name, String mode, String keyHash) {
        return jdbc.one("INSERT INTO agents (org_id, name, mode, key_hash) VALUES (?, ?, ?, ?) "
                + "RETURNING " + COLUMNS,
                Agents::map, orgId, name, mode, keyHash).orElseThrow();
    }

    public List<Agent> list(UUID orgId) {
        return jdbc.query(SELECT + "WHERE org_id = ? ORDER BY name", Agents::map, orgId);
    }

    /** By id when {@code nameOrId} is a UUID, else by name. */
    public Optional<Agent> find(UUID orgId, String nameOrId) {
        UUID id = Ids.parse(nameOrId);
        return id != null
                ? jdbc.one(SELECT + "WHERE org_id = ? AND id = ?", Agents::map, orgId, id)
                : jdbc.one(SELECT + "WHERE org_id = ? AND name = ?", Agents::map, orgId, nameOrId);
    }

    /** The agent whose key hashes to {@code keyHash}, in any org (the key identifies the org). */
    public Optional<Agent> byKeyHash(String keyHash) {
        return jdbc.one(SELECT + "WHERE key_hash = ?", Agents::map, keyHash);
    }

    /** Records what a connecting agent reported about itself. */
    public void seen(UUID id, String hostname, String version, String platform) {
        jdbc.update("UPDATE agents SET hostname = ?, version = ?, platform = ? WHERE id = ?", hostname, version, platform, id);
    }

    public boolean delete(UUID orgId, UUID id) {
        return jdbc.update("DELETE FROM agents WHERE org_id = ? AND id = ?", orgId, id) > 0;
    }

    static Agent map(ResultSet rs) throws SQLException {
        return new Agent(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"),
                rs.getString("mode"), rs.getString("key_hash"), rs.getString("hostname"), rs.getString("version"),
                rs.getString("platform"), rs.getObject("created_at", OffsetDateTime.class), rs.getObject("client_key_id", UUID.class));
    }
}
