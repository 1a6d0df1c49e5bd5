package dev.hoop.gateway.api;

import dev.hoop.common.Version;
import dev.hoop.gateway.store.Orgs;
import io.helidon.http.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Health, public server information and the admin's server settings (sign-up). */
final class SystemApi {
    record PublicInfo(String version, String authMethod, String grpcUrl, String apiUrl) {}

    record ServerConfig(Boolean signupEnabled) {}

    private final ServerInfo info;
    private final Orgs orgs;

    SystemApi(ServerInfo info, Orgs orgs) {
        this.info = info;
        this.orgs = orgs;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/healthz", Access.PUBLIC, this::health),
                Route.of(Method.GET, "/api/publicserverinfo", Access.PUBLIC,
                        c -> Reply.ok(new PublicInfo(Version.current(), info.authMethod(), info.grpcUrl(), info.apiUrl()))),
                Route.of(Method.GET, "/api/serverconfig", Access.ADMIN,
                        c -> Reply.ok(new ServerConfig(orgs.signupEnabled(c.orgId())))),
                Route.of(Method.PUT, "/api/serverconfig", Access.ADMIN, this::putConfig));
    }

    private Reply health(Call c) {
        Optional<String> reason = info.unhealthyReason();
        return reason.map(r -> new Reply(503, Map.of("status", "unavailable", "message", r)))
                .orElseGet(() -> Reply.ok(Map.of("status", "ok")));
    }

    private Reply putConfig(Call c) {
        ServerConfig in = c.body(ServerConfig.class, "{\"signup_enabled\": true|false}");
        if (in.signupEnabled() == null) {
            throw ApiException.badRequest("missing field 'signup_enabled' (expected: {\"signup_enabled\": true|false})");
        }
        orgs.setSignupEnabled(c.orgId(), in.signupEnabled());
        return Reply.ok(new ServerConfig(orgs.signupEnabled(c.orgId())));
    }
}
