package dev.hoop.gateway.api;

import io.helidon.http.Method;

/**
 * One REST route of the table that {@link ApiRouting} mounts and the auth tests iterate: a route
 * added without the right {@link Access} fails those tests.
 *
 * @param path Helidon path pattern, parameters as {@code {name}}
 */
public record Route(Method method, String path, Access access, Handler handler) {

    /** Handles an authorized call; throws {@link ApiException} for answers other than success. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Call call);
    }

    static Route of(Method method, String path, Access access, Handler handler) {
        return new Route(method, path, access, handler);
    }
}
