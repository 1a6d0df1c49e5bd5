package dev.hoop.gateway.api;

import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Plugins;
import io.helidon.http.Method;
import java.util.List;
import java.util.Map;

/**
 * Each connection's guardrail rules ({@code /api/guardrails[/{connection}]}, admins only;
 * docs/guardrails.md). They are stored as the {@code guardrails} plugin's per-connection config,
 * validated here (the agent validates them again), and reach the agent with the connection's
 * params when a session opens: a change applies to sessions opened after it.
 */
final class GuardrailsApi {
    record Rules(String connection, List<String> rules) {}

    record Request(List<String> rules) {}

    private static final String EXPECTED = "{\"rules\": [\"read-only\" | \"drop\" | \"truncate\" | \"delete-without-where\" | "
            + "\"update-without-where\" | \"alter-password\" | \"grant\" | \"deny-table:NAME\" | \"deny-function:NAME\" | \"regex:PATTERN\", ...]}";
    private final Plugins plugins;
    private final Connections connections;

    GuardrailsApi(Plugins plugins, Connections connections) {
        this.plugins = plugins;
        this.connections = connections;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/guardrails", Access.ADMIN, c -> Reply.ok(all(c).entrySet().stream()
                        .map(e -> new Rules(e.getKey(), e.getValue())).toList())),
                Route.of(Method.GET, "/api/guardrails/{connection}", Access.ADMIN, c -> {
                    String name = existing(c);
                    return Reply.ok(new Rules(name, all(c).getOrDefault(name, List.of())));
                }),
                Route.of(Method.PUT, "/api/guardrails/{connection}", Access.ADMIN, c -> {
                    String name = existing(c);
                    Request in = c.body(Request.class, EXPECTED);
                    List<String> rules = in.rules() == null ? List.of() : in.rules();
                    GuardrailRules parsed;
                    try {
                        parsed = GuardrailRules.parse(rules);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest(e.getMessage());
                    }
                    var conn = connections.find(c.orgId(), name).orElseThrow();
                    plugins.putConnection(c.orgId(), GuardrailRules.PLUGIN, conn.id(), parsed.config());
                    return Reply.ok(new Rules(name, parsed.config()));
                }),
                Route.of(Method.DELETE, "/api/guardrails/{connection}", Access.ADMIN, c -> {
                    String name = existing(c);
                    var conn = connections.find(c.orgId(), name).orElseThrow();
                    plugins.putConnection(c.orgId(), GuardrailRules.PLUGIN, conn.id(), List.of());
                    return Reply.noContent();
                }));
    }

    private Map<String, List<String>> all(Call c) {
        return plugins.find(c.orgId(), GuardrailRules.PLUGIN).map(Plugins.Plugin::connections).orElse(Map.of());
    }

    private String existing(Call c) {
        String name = c.param("connection");
        if (connections.find(c.orgId(), name).isEmpty()) {
            throw ApiException.notFound("connection '" + name + "' not found (expected: an existing connection, see GET /api/connections)");
        }
        return name;
    }
}
