package dev.hoop.router.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RouteStore} must do, run against each real implementation (Redis on the
 * shared server, the embedded JSON file). Subclasses provide the store and a way to add routes.
 */
abstract class RouteStoreContract {
    protected final String suffix = "c" + UUID.randomUUID().toString().substring(0, 8) + ".test";

    protected abstract RouteStore store();

    /** Adds {@code frontend:<host>} with the identifier then the backends, as RPUSH does. */
    protected abstract void frontend(String host, String... list);

    protected abstract void expire(String host, int seconds) throws Exception;

    private Route read(String... candidates) {
        return store().read(List.of(candidates)).toCompletableFuture().join();
    }

    @Test
    void anUnknownHostIsNotFound() {
        assertThat(read("nobody." + suffix, "*." + suffix)).isEqualTo(Route.NONE);
    }

    @Test
    void theFirstNonEmptyCandidateWins() {
        frontend("*.w." + suffix, "wild", "http://10.0.0.2:80");
        frontend("x.w." + suffix, "exact", "http://10.0.0.1:80");
        Route r = read("x.w." + suffix, "*.w." + suffix);
        assertThat(r).isEqualTo(new Route("x.w." + suffix, "exact", List.of("http://10.0.0.1:80"), java.util.Set.of()));
        Route w = read("y.w." + suffix, "*.w." + suffix);
        assertThat(w.frontendKey()).isEqualTo("*.w." + suffix);
        assertThat(w.identifier()).isEqualTo("wild");
    }

    @Test
    void anIdentifierWithoutBackendsIsFoundWithNoBackends() {
        frontend("empty." + suffix, "lonely");
        Route r = read("empty." + suffix);
        assertThat(r.found()).isTrue();
        assertThat(r.backends()).isEmpty();
    }

    @Test
    void deadMarksAreReadForTheRequestedHost() {
        String host = "d." + suffix;
        frontend(host, "app", "http://10.0.0.1:80", "http://10.0.0.2:80");
        store().markDead(host, "http://10.0.0.2:80", 1, 2, 30).toCompletableFuture().join();
        assertThat(read(host).dead()).containsExactly(1);
    }

    @Test
    void deadMarksExpire() throws Exception {
        String host = "e." + suffix;
        frontend(host, "app", "http://10.0.0.1:80", "http://10.0.0.2:80");
        store().markDead(host, "http://10.0.0.1:80", 0, 2, 30).toCompletableFuture().join();
        expire(host, 0);
        assertThat(read(host).dead()).isEmpty();
    }
}
