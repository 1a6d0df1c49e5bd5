package dev.hoop.gateway.api;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.AgentIdentity;
import dev.hoop.gateway.broker.SessionBroker;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.Agents.Agent;
import dev.hoop.gateway.store.DuplicateException;
import io.helidon.http.Method;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Admin CRUD of agents. Creating one answers its DSN once
 * ({@code grpc[s]://NAME:xagt-<secret>@<GRPC_URL host>:<port>?mode=standard}); only the secret's
 * SHA-256 is stored, so the DSN cannot be shown again.
 */
final class AgentsApi {
    record AgentView(UUID id, String name, String mode, String status, String hostname, String version, OffsetDateTime createdAt) {}

    record Create(String name, String mode) {}

    record Created(UUID id, String name, String mode, String token) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", name=" + name + ", token=****]";
        }
    }

    private final Agents agents;
    private final AgentDirectory directory;
    private final ServerInfo info;
    private final SessionBroker broker;

    AgentsApi(Agents agents, AgentDirectory directory, ServerInfo info, SessionBroker broker) {
        this.agents = agents;
        this.directory = directory;
        this.info = info;
        this.broker = broker;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/agents", Access.ADMIN, c -> Reply.ok(agents.list(c.orgId()).stream().map(this::view).toList())),
                Route.of(Method.POST, "/api/agents", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/agents/{name}", Access.ADMIN, c -> Reply.ok(view(find(c)))),
                Route.of(Method.DELETE, "/api/agents/{name}", Access.ADMIN, this::delete));
    }

    /**
     * A deleted agent's key stops working at once: its stream, if it is connected, is cut and its
     * open sessions end (deleting the row alone would leave a connected agent serving them).
     */
    private Reply delete(Call c) {
        Agent agent = find(c);
        agents.delete(c.orgId(), agent.id());
        broker.disconnectAgents(List.of(agent.id()), "agent '" + agent.name() + "' was deleted");
        return Reply.noContent();
    }

    private Agent find(Call c) {
        String key = c.param("name");
        return agents.find(c.orgId(), key).orElseThrow(() -> ApiException.notFound("agent '" + key + "' not found"));
    }

    private AgentView view(Agent a) {
        var presence = directory.onlineIdentity(a.id());
        return new AgentView(a.id(), a.name(), a.mode(), presence.isPresent() ? "CONNECTED" : "DISCONNECTED",
                presence.map(AgentIdentity::hostname).orElse(a.hostname()),
                presence.map(AgentIdentity::version).orElse(a.version()), a.createdAt());
    }

    private Reply create(Call c) {
        Create in = c.body(Create.class, "{\"name\", \"mode\": \"standard\"}");
        String name = Validate.name("name", in.name());
        String mode = in.mode() == null ? "standard" : in.mode();
        if (!mode.equals("standard")) {
            throw ApiException.badRequest("mode '" + mode + "' is not valid (expected: standard)");
        }
        String secret = AgentKeys.newSecret();
        Agent a;
        try {
            a = agents.create(c.orgId(), name, mode, AgentKeys.hash(secret));
        } catch (DuplicateException e) {
            throw ApiException.conflict("agent '" + name + "' exists already (delete it first to issue a new key)");
        }
        return Reply.created(new Created(a.id(), a.name(), a.mode(), dsn(info, name, secret, mode)));
    }

    /** The DSN of an agent key or a client key: the gateway's advertised gRPC address with NAME:SECRET. */
    static String dsn(ServerInfo info, String name, String secret, String mode) {
        URI grpc = URI.create(info.grpcUrl());
        String scheme = grpc.getScheme().equals("grpcs") || grpc.getScheme().equals("https") ? "grpcs" : "grpc";
        int port = grpc.getPort() != -1 ? grpc.getPort()
                : scheme.equals("grpcs") ? AgentDsn.DEFAULT_TLS_PORT : AgentDsn.DEFAULT_PLAINTEXT_PORT;
        return new AgentDsn(scheme, name, secret, grpc.getHost().replaceAll("^\\[|]$", ""), port, mode).format();
    }
}
