package dev.hoop.router.lookup;

import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.Route;
import dev.hoop.router.driver.RouteStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Host → route: the optional LRU first, else one read of the route store. A dead mark drops the
 * host from the cache so the next request sees it.
 */
public final class RouteLookup {
    private final RouteStore store;
    private final RouteCache cache;

    public RouteLookup(RouteStore store, RouterConfig.LruCache lru) {
        this.store = store;
        this.cache = lru == null ? null : new RouteCache(lru.size(), lru.ttl(), System::nanoTime);
    }

    /** @param host a normalised host (see {@link HostNames#normalize}) */
    public CompletionStage<Route> find(String host) {
        if (cache != null) {
            Route hit = cache.get(host);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit);
            }
        }
        CompletionStage<Route> read = store.read(HostNames.candidates(host));
        if (cache == null) {
            return read;
        }
        return read.thenApply(route -> {
            cache.put(host, route);
            return route;
        });
    }

    public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
        if (cache != null) {
            cache.invalidate(host);
        }
        return store.markDead(host, url, index, count, ttlSeconds).whenComplete((ok, error) -> {
            if (cache != null) {
                cache.invalidate(host);
            }
        });
    }
}
