package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.PasswordHasher;
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

/** The REST route table: every resource's routes in one list, mounted by {@link ApiRouting}. */
public final class ApiRoutes {
    private ApiRoutes() {}

    /** What the resources need; built once by the gateway's wiring. */
    public record Deps(Orgs orgs, Users users, Agents agents, Connections connections, PasswordHasher hasher,
                       TokenService tokens, AgentDirectory directory, ServerInfo info, String adminGroup,
                       Sessions sessions, ApiExecution execution) {}

    public static List<Route> table(Deps d) {
        List<Route> all = new ArrayList<>();
        all.addAll(new SystemApi(d.info(), d.orgs()).routes());
        all.addAll(new LocalAuthApi(d.users(), d.orgs(), d.hasher(), d.tokens(), d.adminGroup()).routes());
        all.addAll(new UsersApi(d.users(), d.hasher()).routes());
        all.addAll(new AgentsApi(d.agents(), d.directory(), d.info()).routes());
        all.addAll(new ConnectionsApi(d.connections(), d.agents()).routes());
        all.addAll(new SessionsApi(d.sessions(), d.execution()).routes());
        return List.copyOf(all);
    }
}
