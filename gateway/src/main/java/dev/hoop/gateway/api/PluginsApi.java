package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.masking.MaskingRules;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.Plugins.Plugin;
import io.helidon.http.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plugins and their per-connection configs ({@code /api/plugins[/{name}]}, admins only). The
 * {@code access_control} plugin lists, per connection, the groups that may use it.
 */
final class PluginsApi {
    record ConnectionConfig(String name, List<String> config) {}

    record PluginView(UUID id, String name, List<ConnectionConfig> connections) {
        static PluginView of(Plugin p) {
            return new PluginView(p.id(), p.name(), p.connections().entrySet().stream()
                    .map(e -> new ConnectionConfig(e.getKey(), e.getValue())).toList());
        }
    }

    record Request(String name, List<ConnectionConfig> connections) {}

    private static final String EXPECTED = "{\"name\", \"connections\": [{\"name\": \"<connection>\", \"config\": [\"<group>\", ...]}]}";
    private final Plugins plugins;
    private final Connections connections;
    private final Revocations revocations;

    PluginsApi(Plugins plugins, Connections connections, Revocations revocations) {
        this.plugins = plugins;
        this.connections = connections;
        this.revocations = revocations;
    }

    /** A plugin's rules may take a connection away from a group: open sessions are re-checked. */
    private Reply changed(Call c, String name, Reply reply) {
        revocations.accessChanged(c.orgId(), "the access rules (plugin '" + name + "') changed");
        return reply;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/plugins", Access.ADMIN, c -> Reply.ok(plugins.list(c.orgId()).stream().map(PluginView::of).toList())),
                Route.of(Method.POST, "/api/plugins", Access.ADMIN, c -> {
                    Request in = c.body(Request.class, EXPECTED);
                    String name = Validate.name("name", in.name());
                    if (plugins.find(c.orgId(), name).isPresent()) {
                        throw ApiException.conflict("plugin '" + name + "' exists already (PUT /api/plugins/" + name + " to change it)");
                    }
                    return changed(c, name, Reply.created(PluginView.of(plugins.put(c.orgId(), name, configs(c, in, name)))));
                }),
                Route.of(Method.GET, "/api/plugins/{name}", Access.ADMIN, c -> Reply.ok(PluginView.of(find(c)))),
                Route.of(Method.PUT, "/api/plugins/{name}", Access.ADMIN, c -> {
                    Plugin p = find(c);
                    Request in = c.body(Request.class, EXPECTED);
                    return changed(c, p.name(), Reply.ok(PluginView.of(plugins.put(c.orgId(), p.name(), configs(c, in, p.name())))));
                }),
                Route.of(Method.DELETE, "/api/plugins/{name}", Access.ADMIN, c -> {
                    if (!plugins.delete(c.orgId(), c.param("name"))) {
                        throw ApiException.notFound("plugin '" + c.param("name") + "' not found");
                    }
                    return changed(c, c.param("name"), Reply.noContent());
                }));
    }

    /** The dlp plugin's entries are masking rules (docs/masking-setup.md), checked here so that a session never meets a bad one. */
    private static List<String> maskingRules(String connection, List<String> rules) {
        try {
            return MaskingRules.validate(rules);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("connection '" + connection + "': " + e.getMessage());
        }
    }

    private Plugin find(Call c) {
        String name = c.param("name");
        return plugins.find(c.orgId(), name).orElseThrow(() -> ApiException.notFound("plugin '" + name + "' not found"));
    }

    private Map<UUID, List<String>> configs(Call c, Request in, String plugin) {
        Map<UUID, List<String>> out = new LinkedHashMap<>();
        for (ConnectionConfig cc : in.connections() == null ? List.<ConnectionConfig>of() : in.connections()) {
            if (cc == null || cc.name() == null) {
                throw ApiException.badRequest("a connection entry has no 'name' (expected: " + EXPECTED + ")");
            }
            UUID id = connections.find(c.orgId(), cc.name()).map(Connections.Conn::id)
                    .orElseThrow(() -> ApiException.badRequest("connection '" + cc.name() + "' not found (expected: an existing connection, see GET /api/connections)"));
            List<String> config = cc.config() == null ? List.of()
                    : plugin.equals(MaskingRules.PLUGIN) ? maskingRules(cc.name(), cc.config()) : Validate.groups(cc.config());
            out.put(id, config);
        }
        return out;
    }
}
