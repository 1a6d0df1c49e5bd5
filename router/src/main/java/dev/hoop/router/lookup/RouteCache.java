package dev.hoop.router.lookup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.hoop.router.driver.Route;
import java.time.Duration;

/**
 * {@code server.lruCache}: at most {@code size} lookups by host, each kept at most {@code ttl}
 * seconds. Shared by all event loops without a lock: a hit is a lock-free read (Caffeine), where a
 * synchronized {@code LinkedHashMap} made every loop take one lock per request. Eviction is
 * Caffeine's (recency and frequency), which keeps the hot hosts as an LRU would. Its upkeep runs on
 * the calling loop in small amortised steps, not on a pool thread competing for the cores.
 */
final class RouteCache {
    private final Cache<String, Route> cache;

    RouteCache(int size, int ttlSeconds, Ticker clock) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterWrite(Duration.ofSeconds(ttlSeconds))
                .executor(Runnable::run)
                .ticker(clock)
                .build();
    }

    /** The cached route of {@code host}, or null when absent or older than the ttl. */
    Route get(String host) {
        return cache.getIfPresent(host);
    }

    void put(String host, Route route) {
        cache.put(host, route);
    }

    void invalidate(String host) {
        cache.invalidate(host);
    }

    /** Runs pending upkeep (evictions) now; for tests. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
