package dev.hoop.gateway.api;

import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.auth.LoginLimiter;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.auth.oidc.OidcProvider;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.ApiExecution;
import dev.hoop.gateway.broker.SessionBroker;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.ClientKeys;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.audit.SessionSealer;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Webhooks;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The REST route table, mounted by {@link ApiRouting}. The wiring adds one API area at a time, each with only what that
 * area needs (no bag of every dependency), then takes the {@link #table()}.
 */
public final class ApiRoutes {
    private final List<Route> all = new ArrayList<>();

    /** What local logins ({@code /api/localauth/*}, and {@code /api/userinfo} in every mode) need. */
    public record LocalAuth(Users users, Orgs orgs, PasswordHasher hasher, TokenService tokens, String adminGroup, boolean multiTenant,
                            LoginLimiter limiter, RefreshTokens refreshTokens) {
        LocalAuthApi api() {
            return new LocalAuthApi(users, orgs, hasher, tokens, adminGroup, multiTenant, limiter, refreshTokens);
        }
    }

    /** What OIDC logins ({@code /api/login}, {@code /api/callback}) need; users are created in {@code org}. */
    public record OidcAuth(OidcProvider provider, LoginStates states, Users users, UUID org, String adminGroup) {}

    /** {@code /api/serverinfo}, {@code /api/healthz}, … */
    public ApiRoutes system(ServerInfo info, Orgs orgs) {
        return add(new SystemApi(info, orgs).routes());
    }

    /** Local users: {@code /api/localauth/*} and {@code /api/userinfo}. */
    public ApiRoutes localAuth(LocalAuth local) {
        return add(local.api().routes());
    }

    /** OIDC: {@code /api/login}, {@code /api/callback}, and {@code /api/userinfo} (local logins are not mounted). */
    public ApiRoutes oidcAuth(OidcAuth oidc, LocalAuth local) {
        add(new OidcAuthApi(oidc.provider(), oidc.states(), oidc.users(), oidc.org(), oidc.adminGroup()).routes());
        all.add(local.api().userinfoRoute());
        return this;
    }

    public ApiRoutes users(Users users, PasswordHasher hasher, Revocations revocations, RefreshTokens refreshTokens) {
        return add(new UsersApi(users, hasher, revocations, refreshTokens).routes());
    }

    /** Agents: {@code /api/agents[/{name}]}; the broker cuts a deleted agent off. */
    public ApiRoutes agents(Agents agents, AgentDirectory directory, ServerInfo info, SessionBroker broker) {
        return add(new AgentsApi(agents, directory, info, broker).routes());
    }

    /** Client keys: {@code /api/clientkeys[/{name}]}; the broker cuts a disabled key's agents off. */
    public ApiRoutes clientKeys(ClientKeys keys, SessionBroker broker, ServerInfo info) {
        return add(new ClientKeysApi(keys, broker, info).routes());
    }

    /** Connections; {@code directory} tells each connection's agent status, {@code plugins} the rules a user meets. */
    public ApiRoutes connections(Connections connections, Agents agents, AccessControl access, Revocations revocations, AgentDirectory directory,
                                 Plugins plugins) {
        return add(new ConnectionsApi(connections, agents, access, revocations, directory::isOnline, plugins).routes());
    }

    public ApiRoutes plugins(Plugins plugins, Connections connections, Revocations revocations) {
        return add(new PluginsApi(plugins, connections, revocations).routes());
    }

    /** {@code /api/guardrails[/{connection}]}: each connection's guardrail rules (stored as plugin {@code guardrails}). */
    public ApiRoutes guardrails(Plugins plugins, Connections connections) {
        return add(new GuardrailsApi(plugins, connections).routes());
    }

    public ApiRoutes apiKeys(ApiKeys keys, Revocations revocations) {
        return add(new ApiKeysApi(keys, revocations).routes());
    }

    public ApiRoutes sessions(Sessions sessions, ApiExecution execution) {
        return add(new SessionsApi(sessions, execution).routes());
    }

    /** {@code /api/webhooks[/{name}[/deliveries]]} (admins). */
    public ApiRoutes webhooks(Webhooks webhooks) {
        return add(new WebhooksApi(webhooks).routes());
    }

    /** Reviews: {@code /api/reviews[/{id}]} and {@code /api/connections/{name}/reviewers} (docs/reviews.md). */
    public ApiRoutes reviews(dev.hoop.gateway.review.ReviewService service, dev.hoop.gateway.store.Reviews reviews, Connections connections) {
        return add(new ReviewsApi(service, reviews, connections).routes());
    }

    /**
     * Sessions, with running sessions' events read live from their write-ahead files, and search
     * ({@code GET /api/sessions?q=}) answered from {@code index} (null: no search).
     */
    public ApiRoutes sessions(Sessions sessions, ApiExecution execution, AuditLog audit, dev.hoop.gateway.search.SessionIndex index) {
        return add(new SessionsApi(sessions, execution, audit, index).routes());
    }

    /** Sessions, with running sessions' events read live from their write-ahead files. */
    public ApiRoutes sessions(Sessions sessions, ApiExecution execution, AuditLog audit) {
        return sessions(sessions, execution, audit, null);
    }

    /** Sessions with search ({@code GET /api/sessions?q=}) answered from {@code index}. */
    public ApiRoutes sessions(Sessions sessions, ApiExecution execution, dev.hoop.gateway.search.SessionIndex index) {
        return sessions(sessions, execution, null, index);
    }

    public ApiRoutes audit(Sessions sessions, SessionSeals seals, SessionSealer sealer) {
        return add(new AuditApi(sessions, seals, sealer).routes());
    }

    /** {@code GET /metrics}: Prometheus metrics, behind {@code METRICS_TOKEN} or for this host only (docs/metrics.md). */
    public ApiRoutes metrics(dev.hoop.gateway.metrics.GatewayMetrics metrics, dev.hoop.gateway.config.MetricsSettings settings) {
        return add(new MetricsApi(metrics, settings).routes());
    }

    /** The routes added so far, in the order added. */
    public List<Route> table() {
        return List.copyOf(all);
    }

    private ApiRoutes add(List<Route> routes) {
        all.addAll(routes);
        return this;
    }
}
