package dev.hoop.gateway.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Client keys (docs/clientkeys.md) and the connections their agents publish. Only the hex SHA-256
 * of a key's secret is stored. A publishing agent is an agents row of its key (no secret of its
 * own), one per set of published items; the connections it publishes carry the key's id, so that
 * no agent can touch an admin-made connection or another key's, and they go with the key.
 */
public final class ClientKeys {
    /** At most this many connections per client key: an agent cannot fill the connection list. */
    public static final int MAX_CONNECTIONS_PER_KEY = 100;
    /** The command of a connection created by publishing: a shell in the agent's environment. */
    public static final List<String> PUBLISHED_COMMAND = List.of("bash");

    /** A stored key; the hash is not part of it. */
    public record ClientKey(UUID id, UUID orgId, String name, boolean active, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    /** A publish was refused; the message is meant for the agent's operator. */
    public static final class PublishRefused extends RuntimeException {
        PublishRefused(String message) {
            super(message);
        }
    }

    private static final String SELECT = "SELECT id, org_id, name, active, created_at, updated_at FROM client_keys ";
    private static final String RETURNING = " RETURNING id, org_id, name, active, created_at, updated_at";
    private final Jdbc jdbc;

    public ClientKeys(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** @throws DuplicateException when the name exists in the org */
    public ClientKey create(UUID orgId, String name, String keyHash, boolean active) {
        return jdbc.one("INSERT INTO client_keys (org_id, name, key_hash, active) VALUES (?, ?, ?, ?)" + RETURNING,
                ClientKeys::map, orgId, name, keyHash, active).orElseThrow();
    }

    public List<ClientKey> list(UUID orgId) {
        return jdbc.query(SELECT + "WHERE org_id = ? ORDER BY name", ClientKeys::map, orgId);
    }

    public Optional<ClientKey> find(UUID orgId, String name) {
        return jdbc.one(SELECT + "WHERE org_id = ? AND name = ?", ClientKeys::map, orgId, name);
    }

    /** The key (active or not) whose secret hashes to {@code keyHash}, in any org. */
    public Optional<ClientKey> byKeyHash(String keyHash) {
        return jdbc.one(SELECT + "WHERE key_hash = ?", ClientKeys::map, keyHash);
    }

    /** Whether the key exists and is active now. */
    public boolean active(UUID id) {
        return jdbc.one("SELECT active FROM client_keys WHERE id = ?", rs -> rs.getBoolean(1), id).orElse(false);
    }

    /** Enables or disables the key; empty when there is none of that name. */
    public Optional<ClientKey> setActive(UUID orgId, String name, boolean active) {
        return jdbc.one("UPDATE client_keys SET active = ?, updated_at = now() WHERE org_id = ? AND name = ?" + RETURNING,
                ClientKeys::map, active, orgId, name);
    }

    /** Replaces the key's secret (the old one stops working); empty when there is none of that name. */
    public Optional<ClientKey> rotate(UUID orgId, String name, String keyHash, boolean active) {
        return jdbc.one("UPDATE client_keys SET key_hash = ?, active = ?, updated_at = now() WHERE org_id = ? AND name = ?" + RETURNING,
                ClientKeys::map, keyHash, active, orgId, name);
    }

    /** Deletes the key with its agents and connections; empty when there is none of that name. */
    public Optional<ClientKey> delete(UUID orgId, String name) {
        return jdbc.one("DELETE FROM client_keys WHERE org_id = ? AND name = ?" + RETURNING, ClientKeys::map, orgId, name);
    }

    /** The ids of the key's agents rows (to cut their streams off). */
    public List<UUID> agentIds(UUID keyId) {
        return jdbc.query("SELECT id FROM agents WHERE client_key_id = ?", rs -> rs.getObject(1, UUID.class), keyId);
    }

    /** The names of the connections published with the key. */
    public List<String> connectionNames(UUID keyId) {
        return jdbc.query("SELECT name FROM connections WHERE client_key_id = ? ORDER BY name", rs -> rs.getString(1), keyId);
    }

    /**
     * Publishes {@code items} for an agent of {@code key}: finds or creates the agents row of this
     * item set, then for each item the connection {@code KEY:item}, created as a command-line
     * connection running {@link #PUBLISHED_COMMAND} or, when the key published it before, pointed
     * at this agent (its other settings, which an admin may have changed, stay). All or nothing.
     *
     * @param items valid, distinct item names (the caller checks them)
     * @return the agents row the stream registers as
     * @throws PublishRefused when the key is no longer active, a connection of that name exists and
     *                        was not published with this key, or the key would pass {@link #MAX_CONNECTIONS_PER_KEY}
     */
    public Agents.Agent publish(ClientKey key, List<String> items, String hostname, String version, String platform) {
        return jdbc.transaction(c -> {
            // Publishes of one key run one at a time (row lock), so the limit and the names hold under races.
            List<Boolean> active = Jdbc.query(c, "SELECT active FROM client_keys WHERE id = ? FOR UPDATE", rs -> rs.getBoolean(1), key.id());
            if (active.isEmpty() || !active.getFirst()) {
                throw new PublishRefused("client key '" + key.name() + "' is " + (active.isEmpty() ? "deleted" : "disabled"));
            }
            Agents.Agent agent = agentRow(c, key, items);
            Jdbc.update(c, "UPDATE agents SET hostname = ?, version = ?, platform = ? WHERE id = ?", hostname, version, platform, agent.id());
            int owned = Jdbc.query(c, "SELECT count(*) FROM connections WHERE client_key_id = ?", rs -> rs.getInt(1), key.id()).getFirst();
            List<String> refused = new ArrayList<>();
            for (String item : items) {
                String name = key.name() + ":" + item;
                List<UUID> owner = Jdbc.query(c, "SELECT client_key_id FROM connections WHERE org_id = ? AND name = ? FOR UPDATE",
                        rs -> { UUID k = rs.getObject(1, UUID.class); return k == null ? new UUID(0, 0) : k; }, key.orgId(), name);
                if (owner.isEmpty()) {
                    if (owned >= MAX_CONNECTIONS_PER_KEY) {
                        throw new PublishRefused("client key '" + key.name() + "' has " + owned + " connections (the limit is "
                                + MAX_CONNECTIONS_PER_KEY + "); '" + name + "' was not created (delete unused ones with 'hoop admin delete connection')");
                    }
                    Jdbc.update(c, "INSERT INTO connections (org_id, name, type, command, agent_id, client_key_id) "
                            + "VALUES (?, ?, 'command-line', ?::jsonb, ?, ?)", key.orgId(), name, commandJson(), agent.id(), key.id());
                    owned++;
                } else if (owner.getFirst().equals(key.id())) {
                    Jdbc.update(c, "UPDATE connections SET agent_id = ?, updated_at = now() WHERE org_id = ? AND name = ?",
                            agent.id(), key.orgId(), name);
                } else {
                    refused.add(name);
                }
            }
            if (!refused.isEmpty()) {
                throw new PublishRefused("connection" + (refused.size() > 1 ? "s " : " ") + String.join(", ", refused)
                        + " exist" + (refused.size() > 1 ? "" : "s") + " already and " + (refused.size() > 1 ? "were" : "was")
                        + " not published with client key '" + key.name() + "'; nothing was published (choose other names in HOOP_CONNECTION)");
            }
            // rows of item sets no longer serving anything (the app's HOOP_CONNECTION changed)
            Jdbc.update(c, "DELETE FROM agents a WHERE a.client_key_id = ? AND a.id <> ? "
                    + "AND NOT EXISTS (SELECT 1 FROM connections x WHERE x.agent_id = a.id)", key.id(), agent.id());
            return agent;
        });
    }

    private static Agents.Agent agentRow(Connection c, ClientKey key, List<String> items) throws SQLException {
        // not a name an admin can give an agent ('/' and ',' are refused there), so the two never meet
        String name = key.name() + "/" + String.join(",", items.stream().sorted().toList());
        Jdbc.update(c, "INSERT INTO agents (org_id, name, mode, client_key_id) VALUES (?, ?, 'standard', ?) "
                + "ON CONFLICT (org_id, name) DO NOTHING", key.orgId(), name, key.id());
        Agents.Agent agent = Jdbc.query(c, Agents.SELECT + "WHERE org_id = ? AND name = ?", Agents::map, key.orgId(), name).getFirst();
        if (!key.id().equals(agent.clientKeyId())) {
            throw new PublishRefused("agent name '" + name + "' is taken by an agent of another key");
        }
        return agent;
    }

    private static String commandJson() {
        StringBuilder b = new StringBuilder("[");
        for (String s : PUBLISHED_COMMAND) {
            b.append(b.length() > 1 ? "," : "").append('"').append(s).append('"');
        }
        return b.append(']').toString();
    }

    private static ClientKey map(ResultSet rs) throws SQLException {
        return new ClientKey(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"),
                rs.getBoolean("active"), rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
