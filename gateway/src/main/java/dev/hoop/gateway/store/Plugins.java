package dev.hoop.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Plugins of an org and their per-connection configuration (a list of strings per connection,
 * e.g. the groups allowed by {@code access_control}). Replacing a plugin replaces its connections.
 */
public final class Plugins {

    /** A plugin with its connections' configs, keyed by connection name. */
    public record Plugin(UUID id, UUID orgId, String name, Map<String, List<String>> connections) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final Jdbc jdbc;

    public Plugins(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    public List<Plugin> list(UUID orgId) {
        return jdbc.query("SELECT id FROM plugins WHERE org_id = ? ORDER BY name", rs -> rs.getObject(1, UUID.class), orgId)
                .stream().map(id -> load(orgId, id)).toList();
    }

    public Optional<Plugin> find(UUID orgId, String name) {
        return jdbc.one("SELECT id FROM plugins WHERE org_id = ? AND name = ?", rs -> rs.getObject(1, UUID.class), orgId, name)
                .map(id -> load(orgId, id));
    }

    /**
     * Creates or replaces plugin {@code name} with these connection configs (by connection id).
     */
    public Plugin put(UUID orgId, String name, Map<UUID, List<String>> connections) {
        UUID id = jdbc.transaction(c -> {
            UUID pid = Jdbc.query(c, "INSERT INTO plugins (org_id, name) VALUES (?, ?) ON CONFLICT (org_id, name) "
                    + "DO UPDATE SET name = EXCLUDED.name RETURNING id", rs -> rs.getObject(1, UUID.class), orgId, name).getFirst();
            Jdbc.update(c, "DELETE FROM plugin_connections WHERE plugin_id = ?", pid);
            for (Map.Entry<UUID, List<String>> e : connections.entrySet()) {
                Jdbc.update(c, "INSERT INTO plugin_connections (plugin_id, connection_id, org_id, config) VALUES (?, ?, ?, ?::jsonb)",
                        pid, e.getKey(), orgId, json(e.getValue()));
            }
            return pid;
        });
        return load(orgId, id);
    }

    /**
     * Sets one connection's config of plugin {@code name} (creating the plugin), leaving the other
     * connections' configs as they are; an empty config removes the connection from the plugin.
     */
    public Plugin putConnection(UUID orgId, String name, UUID connectionId, List<String> config) {
        UUID id = jdbc.transaction(c -> {
            UUID pid = Jdbc.query(c, "INSERT INTO plugins (org_id, name) VALUES (?, ?) ON CONFLICT (org_id, name) "
                    + "DO UPDATE SET name = EXCLUDED.name RETURNING id", rs -> rs.getObject(1, UUID.class), orgId, name).getFirst();
            Jdbc.update(c, "DELETE FROM plugin_connections WHERE plugin_id = ? AND connection_id = ?", pid, connectionId);
            if (!config.isEmpty()) {
                Jdbc.update(c, "INSERT INTO plugin_connections (plugin_id, connection_id, org_id, config) VALUES (?, ?, ?, ?::jsonb)",
                        pid, connectionId, orgId, json(config));
            }
            return pid;
        });
        return load(orgId, id);
    }

    public boolean delete(UUID orgId, String name) {
        return jdbc.update("DELETE FROM plugins WHERE org_id = ? AND name = ?", orgId, name) > 0;
    }

    private Plugin load(UUID orgId, UUID id) {
        String name = jdbc.one("SELECT name FROM plugins WHERE id = ?", rs -> rs.getString(1), id).orElseThrow();
        Map<String, List<String>> conns = new LinkedHashMap<>();
        jdbc.query("SELECT c.name, pc.config::text FROM plugin_connections pc JOIN connections c ON c.id = pc.connection_id "
                + "WHERE pc.plugin_id = ? ORDER BY c.name", (ResultSet rs) -> {
                    conns.put(rs.getString(1), parse(rs.getString(2)));
                    return null;
                }, id);
        return new Plugin(id, orgId, name, conns);
    }

    private static String json(List<String> v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> parse(String v) {
        try {
            List<String> out = JSON.readValue(v, STRINGS);
            return out == null ? List.of() : out;
        } catch (JsonProcessingException | ClassCastException e) {
            throw new StoreException("plugin_connections.config is not a list of strings: " + v, e);
        }
    }
}
