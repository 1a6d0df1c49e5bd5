package dev.hoop.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Connections and their secrets. Secret values are write-only through this class's listing API:
 * {@link Conn} carries the secret keys only; {@link #secrets} (for the broker, which sends them to
 * the agent) is the one read of the values.
 */
public final class Connections {

    public record Conn(UUID id, UUID orgId, String name, String type, String subtype, List<String> command,
                       List<String> secretKeys, UUID agentId, String agentName, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt) {}

    /** A new or replacing definition; {@code secret} null on update keeps the stored secrets. */
    public record Definition(String name, String type, String subtype, List<String> command, Map<String, String> secret,
                             UUID agentId) {
        @Override
        public String toString() {
            return "Definition[name=" + name + ", type=" + type + ", secretKeys=" + (secret == null ? "unchanged" : secret.keySet()) + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = "SELECT c.id, c.org_id, c.name, c.type, c.subtype, c.command::text AS command, c.agent_id, "
            + "a.name AS agent_name, c.created_at, c.updated_at, "
            + "COALESCE((SELECT array_agg(s.key ORDER BY s.key) FROM connection_secrets s WHERE s.connection_id = c.id), '{}') AS secret_keys "
            + "FROM connections c LEFT JOIN agents a ON a.id = c.agent_id ";
    private final Jdbc jdbc;

    public Connections(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** @throws DuplicateException when the name exists in the org */
    public Conn create(UUID orgId, Definition d) {
        return jdbc.transaction(c -> {
            UUID id = Jdbc.query(c, "INSERT INTO connections (org_id, name, type, subtype, command, agent_id) "
                    + "VALUES (?, ?, ?, ?, ?::jsonb, ?) RETURNING id", rs -> rs.getObject(1, UUID.class),
                    orgId, d.name(), d.type(), d.subtype(), json(d.command()), d.agentId()).getFirst();
            writeSecrets(c, orgId, id, d.secret());
            return Jdbc.query(c, SELECT + "WHERE c.id = ?", Connections::map, id).getFirst();
        });
    }

    /** Replaces the definition of connection {@code name}; empty when it does not exist. */
    public Optional<Conn> update(UUID orgId, String name, Definition d) {
        return jdbc.transaction(c -> {
            List<UUID> ids = Jdbc.query(c, "UPDATE connections SET type = ?, subtype = ?, command = ?::jsonb, agent_id = ?, "
                    + "updated_at = now() WHERE org_id = ? AND name = ? RETURNING id", rs -> rs.getObject(1, UUID.class),
                    d.type(), d.subtype(), json(d.command()), d.agentId(), orgId, name);
            if (ids.isEmpty()) {
                return Optional.<Conn>empty();
            }
            if (d.secret() != null) {
                Jdbc.update(c, "DELETE FROM connection_secrets WHERE connection_id = ?", ids.getFirst());
                writeSecrets(c, orgId, ids.getFirst(), d.secret());
            }
            return Optional.of(Jdbc.query(c, SELECT + "WHERE c.id = ?", Connections::map, ids.getFirst()).getFirst());
        });
    }

    public List<Conn> list(UUID orgId) {
        return jdbc.query(SELECT + "WHERE c.org_id = ? ORDER BY c.name", Connections::map, orgId);
    }

    public Optional<Conn> find(UUID orgId, String name) {
        return jdbc.one(SELECT + "WHERE c.org_id = ? AND c.name = ?", Connections::map, orgId, name);
    }

    public boolean delete(UUID orgId, String name) {
        return jdbc.update("DELETE FROM connections WHERE org_id = ? AND name = ?", orgId, name) > 0;
    }

    /** The secret values of a connection, for the agent only (agent.connection_params). */
    public Map<String, String> secrets(UUID connectionId) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.query("SELECT key, value FROM connection_secrets WHERE connection_id = ? ORDER BY key",
                rs -> out.put(rs.getString(1), rs.getString(2)), connectionId);
        return out;
    }

    private static void writeSecrets(Connection c, UUID orgId, UUID id, Map<String, String> secret) throws SQLException {
        if (secret == null) {
            return;
        }
        for (Map.Entry<String, String> e : secret.entrySet()) {
            Jdbc.update(c, "INSERT INTO connection_secrets (connection_id, org_id, key, value) VALUES (?, ?, ?, ?)",
                    id, orgId, e.getKey(), e.getValue());
        }
    }

    private static String json(List<String> command) {
        try {
            return JSON.writeValueAsString(command == null ? List.of() : command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("encoding a command list", e);
        }
    }

    private static Conn map(ResultSet rs) throws SQLException {
        List<String> command;
        try {
            command = JSON.readValue(rs.getString("command"), new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new SQLException("connections.command is not a JSON list of strings", e);
        }
        String[] keys = (String[]) rs.getArray("secret_keys").getArray();
        return new Conn(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("name"),
                rs.getString("type"), rs.getString("subtype"), command, List.of(keys), rs.getObject("agent_id", UUID.class),
                rs.getString("agent_name"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }
}
