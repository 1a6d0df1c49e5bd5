package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.auth.LoginLimiter;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.auth.oidc.OidcProvider;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.ApiExecution;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.audit.SessionSealer;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Users;
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

    public ApiRoutes agents(Agents agents, AgentDirectory directory, ServerInfo info) {
        return add(new AgentsApi(agents, directory, info).routes());
    }

    public ApiRoutes connections(Connections connections, Agents agents, AccessControl access, Revocations revocations) {
        return add(new ConnectionsApi(connections, agents, access, revocations).routes());
    }

    public ApiRoutes plugins(Plugins plugins, Connections connections, Revocations revocations) {
        return add(new PluginsApi(plugins, connections, revocations).routes());
    }

    public ApiRoutes apiKeys(ApiKeys keys, Revocations revocations) {
        return add(new ApiKeysApi(keys, revocations).routes());
    }

    public ApiRoutes sessions(Sessions sessions, ApiExecution execution) {
        return add(new SessionsApi(sessions, execution).routes());
    }

    public ApiRoutes audit(Sessions sessions, SessionSeals seals, SessionSealer sealer) {
        return add(new AuditApi(sessions, seals, sealer).routes());
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
