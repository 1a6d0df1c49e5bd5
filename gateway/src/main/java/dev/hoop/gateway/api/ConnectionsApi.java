package dev.hoop.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.masking.MaskingRules;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Connections.Conn;
import dev.hoop.gateway.store.Connections.Definition;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.Reviews;
import io.helidon.http.Method;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Connections ({@code /api/connections[/{name}]}): listing for every signed-in user, limited to the
 * connections they may use ({@link AccessControl}; others are 404 as if absent), changes for admins (PUT changes only the fields it carries). Secret values are
 * write-only: answers carry the keys only.
 */
final class ConnectionsApi {
    /**
     * {@code agentStatus}: CONNECTED while the agent has a stream to this gateway, else DISCONNECTED (for the web app's list);
     * {@code rules}: only in {@code GET /api/connections/{name}}, what applies when the caller uses it.
     */
    record ConnView(UUID id, String name, String type, String subtype, List<String> command, List<String> secretKeys,
                    UUID agentId, String agentName, String agentStatus, OffsetDateTime createdAt,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Rules rules) {}

    /**
     * The plugins' read-only view for the users of a connection: the groups that must approve (empty: no review), the
     * masking rules (null: no masking; empty: every info type), the guardrail rules, and the groups that may use it
     * besides admins (null: no access control, every user may).
     */
    record Rules(List<String> reviewers, List<String> masking, List<String> guardrails, List<String> accessGroups) {}

    /** The request; {@link #toString()} never shows secret values (they must not reach a log). */
    record Request(String name, String type, String subtype, List<String> command, Map<String, String> secret,
                   String agentId, String agentName) {
        @Override
        public String toString() {
            return "Request[name=" + name + ", type=" + type + ", secretKeys=" + (secret == null ? "none" : secret.keySet()) + "]";
        }
    }

    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final String EXPECTED = "{\"name\", \"type\": \"" + String.join("|", ConnectionType.wireNames()) + "\", \"subtype\"?, \"command\": [...]?, "
            + "\"secret\": {\"KEY\": \"value\"}, \"agent_id\" or \"agent_name\"}";

    private final Connections connections;
    private final Agents agents;
    private final AccessControl access;
    private final Revocations revocations;
    private final Predicate<UUID> agentOnline;
    private final Plugins plugins;

    ConnectionsApi(Connections connections, Agents agents, AccessControl access, Revocations revocations, Predicate<UUID> agentOnline,
                   Plugins plugins) {
        this.plugins = plugins;
        this.connections = connections;
        this.agents = agents;
        this.access = access;
        this.revocations = revocations;
        this.agentOnline = agentOnline;
    }

    private ConnView view(Conn c) {
        return new ConnView(c.id(), c.name(), c.type(), c.subtype(), c.command(), c.secretKeys(), c.agentId(), c.agentName(),
                c.agentId() != null && agentOnline.test(c.agentId()) ? "CONNECTED" : "DISCONNECTED", c.createdAt(), null);
    }

    private ConnView withRules(Conn c, UUID orgId) {
        Map<String, Map<String, List<String>>> byPlugin = new java.util.HashMap<>();
        for (Plugins.Plugin p : plugins.list(orgId)) {
            byPlugin.put(p.name(), p.connections());
        }
        java.util.function.Function<String, List<String>> of = name -> byPlugin.getOrDefault(name, Map.of()).get(c.name());
        List<String> none = List.of();
        Rules rules = new Rules(Objects.requireNonNullElse(of.apply(Reviews.PLUGIN), none), of.apply(MaskingRules.PLUGIN),
                Objects.requireNonNullElse(of.apply(GuardrailRules.PLUGIN), none),
                byPlugin.containsKey(AccessControl.PLUGIN) ? Objects.requireNonNullElse(of.apply(AccessControl.PLUGIN), none) : null);
        ConnView v = view(c);
        return new ConnView(v.id(), v.name(), v.type(), v.subtype(), v.command(), v.secretKeys(), v.agentId(), v.agentName(),
                v.agentStatus(), v.createdAt(), rules);
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/connections", Access.USER,
                        c -> {
                            var usable = access.usable(c.orgId(), c.principal().user().groups());
                            return Reply.ok(connections.list(c.orgId()).stream().filter(x -> usable.test(x.name())).map(this::view).toList());
                        }),
                Route.of(Method.POST, "/api/connections", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/connections/{name}", Access.USER, c -> {
                    if (!access.allowed(c.orgId(), c.principal().user().groups(), c.param("name"))) {
                        throw ApiException.notFound("connection '" + c.param("name") + "' not found");
                    }
                    return Reply.ok(withRules(find(c), c.orgId()));
                }),
                Route.of(Method.PUT, "/api/connections/{name}", Access.ADMIN, this::update),
                Route.of(Method.DELETE, "/api/connections/{name}", Access.ADMIN, c -> {
                    if (!connections.delete(c.orgId(), c.param("name"))) {
                        throw ApiException.notFound("connection '" + c.param("name") + "' not found");
                    }
                    // its open sessions end: a deleted connection is one nobody may use
                    revocations.accessChanged(c.orgId(), "connection '" + c.param("name") + "' was deleted");
                    return Reply.noContent();
                }));
    }

    private Conn find(Call c) {
        String name = c.param("name");
        return connections.find(c.orgId(), name).orElseThrow(() -> ApiException.notFound("connection '" + name + "' not found"));
    }

    private Reply create(Call c) {
        Request in = c.body(Request.class, EXPECTED);
        Definition d = definition(c, in, Validate.name("name", in.name()), true);
        try {
            return Reply.created(view(connections.create(c.orgId(), d)));
        } catch (DuplicateException e) {
            throw ApiException.conflict("connection '" + d.name() + "' exists already (PUT /api/connections/" + d.name() + " to change it)");
        }
    }

    /** Changes the fields present in the body; absent ones (and absent {@code secret}) keep their stored values. */
    private Reply update(Call c) {
        Conn current = find(c);
        Request in = c.body(Request.class, EXPECTED);
        Request merged = new Request(current.name(), in.type() != null ? in.type() : current.type(),
                in.subtype() != null ? in.subtype() : current.subtype(), in.command() != null ? in.command() : current.command(),
                in.secret(), in.agentId() != null || in.agentName() != null ? in.agentId() : stringOrNull(current.agentId()),
                in.agentName());
        Definition d = definition(c, merged, current.name(), false);
        return Reply.ok(view(connections.update(c.orgId(), current.name(), d)
                .orElseThrow(() -> ApiException.notFound("connection '" + current.name() + "' not found"))));
    }

    private static String stringOrNull(Object o) {
        return o == null ? null : o.toString();
    }

    private Definition definition(Call c, Request in, String name, boolean creating) {
        if (ConnectionType.find(in.type()).isEmpty()) {
            List<String> names = ConnectionType.wireNames();
            throw ApiException.badRequest((in.type() == null ? "missing field 'type'" : "type '" + in.type() + "' is not valid")
                    + " (expected: " + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast() + ")");
        }
        if (in.command() != null && in.command().stream().anyMatch(s -> s == null)) {
            throw ApiException.badRequest("command has a null element (expected: a list of strings)");
        }
        if (in.secret() != null) {
            for (Map.Entry<String, String> e : in.secret().entrySet()) {
                if (!ENV_KEY.matcher(e.getKey()).matches()) {
                    throw ApiException.badRequest("secret key '" + e.getKey() + "' is not valid (expected: an environment variable name such as HOST)");
                }
                if (e.getValue() == null) {
                    throw ApiException.badRequest("secret '" + e.getKey() + "' has no value (expected: a string)");
                }
            }
        }
        UUID agentId = agent(c, in);
        if (agentId == null) {
            throw ApiException.badRequest("missing field 'agent_id' or 'agent_name' (expected: the agent that reaches this resource)");
        }
        Map<String, String> secret = in.secret() == null && creating ? Map.of() : in.secret();
        return new Definition(name, in.type(), in.subtype(), in.command() == null ? List.of() : in.command(), secret, agentId);
    }

    private UUID agent(Call c, Request in) {
        String key = in.agentId() != null ? in.agentId() : in.agentName();
        if (key == null) {
            return null;
        }
        return agents.find(c.orgId(), key).map(Agents.Agent::id)
                .orElseThrow(() -> ApiException.badRequest("agent '" + key + "' not found (expected: an existing agent, see GET /api/agents)"));
    }
}
