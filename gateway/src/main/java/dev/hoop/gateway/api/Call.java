package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.Principal;
import io.helidon.webserver.http.ServerRequest;
import java.util.UUID;

/** One API call as handlers see it: the path parameters, the JSON body and who is calling. */
public final class Call {
    private final ServerRequest request;
    private final Principal principal;
    private final UUID defaultOrg;

    Call(ServerRequest request, Principal principal, UUID defaultOrg) {
        this.request = request;
        this.principal = principal;
        this.defaultOrg = defaultOrg;
    }

    /** The signed-in user; only on USER and ADMIN routes. */
    Principal principal() {
        if (principal == null) {
            throw new IllegalStateException("no principal on a public route");
        }
        return principal;
    }

    /** The caller's org, or the default org on public routes. */
    UUID orgId() {
        return principal == null ? defaultOrg : principal.user().orgId();
    }

    String param(String name) {
        return request.path().pathParameters().get(name);
    }

    <T> T body(Class<T> type, String expected) {
        byte[] bytes = request.content().hasEntity() ? request.content().as(byte[].class) : null;
        return Json.read(bytes, type, expected);
    }
}
