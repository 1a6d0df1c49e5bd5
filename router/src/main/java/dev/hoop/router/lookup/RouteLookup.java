package dev.hoop.router.lookup;

import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.Route;
import dev.hoop.router.driver.RouteStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host → route: the optional LRU first, else one read of the route store (at most one round trip).
 * Concurrent lookups of the same host share the read in flight (so 100 connections on one vhost do
 * not cost Redis 100 identical reads). A dead mark drops the host from the cache and from the
 * reads in flight, so the requests after it see it.
 */
public final class RouteLookup {
    private final RouteStore store;
    private final RouteCache cache;
    /** Reads in flight by host: concurrent requests for one host share one store read. */
    private final ConcurrentHashMap<String, CompletableFuture<Route>> inFlight = new ConcurrentHashMap<>();

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
        CompletableFuture<Route> shared = inFlight.get(host);
        if (shared != null) {
            return shared;
        }
        CompletableFuture<Route> mine = new CompletableFuture<>();
        shared = inFlight.putIfAbsent(host, mine);
        if (shared != null) {
            return shared;
        }
        store.read(HostNames.candidates(host)).whenComplete((route, error) -> {
            inFlight.remove(host, mine);
            if (error != null) {
                mine.completeExceptionally(error);
                return;
            }
            if (cache != null) {
                cache.put(host, route);
            }
            mine.complete(route);
        });
        return mine;
    }

    public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
        inFlight.remove(host); // a read issued before the mark must not answer requests that come after it
        if (cache != null) {
            cache.invalidate(host);
        }
        return store.markDead(host, url, index, count, ttlSeconds).whenComplete((ok, error) -> {
            inFlight.remove(host);
            if (cache != null) {
                cache.invalidate(host);
            }
        });
    }
}
