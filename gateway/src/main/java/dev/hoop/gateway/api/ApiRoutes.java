package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.broker.AgentRegistry;
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
                       TokenService tokens, AgentRegistry registry, ServerInfo info, String adminGroup) {}

    public static List<Route> table(Deps d) {
        List<Route> all = new ArrayList<>();
        all.addAll(new SystemApi(d.info(), d.orgs()).routes());
        all.addAll(new LocalAuthApi(d.users(), d.orgs(), d.hasher(), d.tokens(), d.adminGroup()).routes());
        all.addAll(new UsersApi(d.users(), d.hasher()).routes());
        all.addAll(new AgentsApi(d.agents(), d.registry(), d.info()).routes());
        all.addAll(new ConnectionsApi(d.connections(), d.agents()).routes());
        return List.copyOf(all);
    }
}
