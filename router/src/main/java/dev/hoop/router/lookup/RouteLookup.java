package dev.hoop.router.lookup;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.Route;
import dev.hoop.router.driver.RouteStore;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Host → route: the optional LRU first, else one read of the route store (at most one round trip).
 * Concurrent lookups of the same host on the same event loop share the read in flight (so 100
 * connections on one vhost do not cost Redis 100 identical reads); the reads are kept per thread so
 * that a shared read is answered on the loop that waits for it. A read goes out once the loop has
 * handled the batch of I/O that brought its request, so every request of that batch shares it and
 * none is answered from a read issued before it arrived. A dead mark makes every read issued
 * before it unshareable and drops the host from the cache, so the requests after it see it.
 */
public final class RouteLookup {
    private record Pending(CompletableFuture<Route> future, long generation) {}

    private final RouteStore store;
    private final RouteCache cache;
    /** Reads in flight by host, per calling thread (an event loop); concurrent maps, as a read may complete elsewhere. */
    private final FastThreadLocal<Map<String, Pending>> inFlight = new FastThreadLocal<>() {
        @Override
        protected Map<String, Pending> initialValue() {
            return new ConcurrentHashMap<>();
        }
    };
    /** Bumped when a dead mark starts and when it is written: reads issued before are not shared after. */
    private final AtomicLong generation = new AtomicLong();

    public RouteLookup(RouteStore store, RouterConfig.LruCache lru) {
        this.store = store;
        this.cache = lru == null ? null : new RouteCache(lru.size(), lru.ttl(), Ticker.systemTicker());
    }

    /**
     * @param host a normalised host (see {@link HostNames#normalize})
     * @param issuer runs the store read after the caller's current work: the caller's event loop, which runs
     *               its tasks after the I/O events of the current iteration (so the requests decoded in that
     *               iteration join the read before it goes out)
     */
    public CompletionStage<Route> find(String host, Executor issuer) {
        if (cache != null) {
            Route hit = cache.get(host);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit);
            }
        }
        long gen = generation.get();
        Map<String, Pending> reads = inFlight.get();
        Pending shared = reads.get(host);
        if (shared != null && shared.generation() == gen) {
            return shared.future();
        }
        Pending mine = new Pending(new CompletableFuture<>(), gen);
        reads.put(host, mine);
        issuer.execute(() -> read(host, mine, reads));
        return mine.future();
    }

    private void read(String host, Pending mine, Map<String, Pending> reads) {
        long gen = mine.generation();
        store.read(HostNames.candidates(host)).whenComplete((route, error) -> {
            reads.remove(host, mine);
            if (error != null) {
                mine.future().completeExceptionally(error);
                return;
            }
            if (cache != null && generation.get() == gen) {
                cache.put(host, route); // not a route read before a dead mark that was written meanwhile
            }
            mine.future().complete(route);
        });
    }

    public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
        generation.incrementAndGet(); // a read issued before the mark must not answer requests that come after it
        if (cache != null) {
            cache.invalidate(host);
        }
        return store.markDead(host, url, index, count, ttlSeconds).whenComplete((ok, error) -> {
            generation.incrementAndGet();
            if (cache != null) {
                cache.invalidate(host);
            }
        });
    }
}
