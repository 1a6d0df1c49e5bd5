package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.auth.LoginLimiter;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.auth.oidc.OidcProvider;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.ApiExecution;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Users;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The REST route table: every resource's routes in one list, mounted by {@link ApiRouting}. */
public final class ApiRoutes {
    private ApiRoutes() {}

    /**
     * What the resources need; built once by the gateway's wiring.
     *
     * @param oidc null for local users: then {@code /api/localauth/*} is mounted, else {@code /api/login} and {@code /api/callback}
     */
    public record Deps(Orgs orgs, Users users, Agents agents, Connections connections, PasswordHasher hasher,
                       TokenService tokens, AgentDirectory directory, ServerInfo info, String adminGroup,
                       Sessions sessions, ApiExecution execution, OidcProvider oidc, LoginStates loginStates, UUID defaultOrg,
                       ApiKeys apiKeys, Plugins plugins, AccessControl access, Revocations revocations, boolean multiTenant,
                       LoginLimiter limiter, RefreshTokens refreshTokens) {}

    public static List<Route> table(Deps d) {
        List<Route> all = new ArrayList<>();
        all.addAll(new SystemApi(d.info(), d.orgs()).routes());
        if (d.oidc() == null) {
            all.addAll(new LocalAuthApi(d.users(), d.orgs(), d.hasher(), d.tokens(), d.adminGroup(), d.multiTenant(), d.limiter(), d.refreshTokens()).routes());
        } else {
            all.addAll(new OidcAuthApi(d.oidc(), d.loginStates(), d.users(), d.defaultOrg(), d.adminGroup()).routes());
            all.add(new LocalAuthApi(d.users(), d.orgs(), d.hasher(), d.tokens(), d.adminGroup(), d.multiTenant(), d.limiter(), d.refreshTokens()).userinfoRoute());
        }
        all.addAll(new UsersApi(d.users(), d.hasher(), d.revocations(), d.refreshTokens()).routes());
        all.addAll(new AgentsApi(d.agents(), d.directory(), d.info()).routes());
        all.addAll(new ConnectionsApi(d.connections(), d.agents(), d.access(), d.revocations()).routes());
        all.addAll(new PluginsApi(d.plugins(), d.connections(), d.revocations()).routes());
        all.addAll(new ApiKeysApi(d.apiKeys(), d.revocations()).routes());
        all.addAll(new SessionsApi(d.sessions(), d.execution()).routes());
        return List.copyOf(all);
    }
}
