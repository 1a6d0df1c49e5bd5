package dev.hoop.router.lookup;

import dev.hoop.router.driver.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code server.lruCache}: the last {@code size} lookups by host, each kept at most {@code ttl}
 * seconds. Shared by all workers; the lock is held only for a map operation.
 */
final class RouteCache {
    private record Slot(Route route, long expiresAt) {}

    private final int size;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Slot> map;

    RouteCache(int size, int ttlSeconds, LongSupplier clock) {
        this.size = size;
        this.ttlNanos = ttlSeconds * 1_000_000_000L;
        this.clock = clock;
        this.map = new LinkedHashMap<>(Math.min(size, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Slot> eldest) {
                return size() > RouteCache.this.size;
            }
        };
    }

    synchronized Route get(String host) {
        Slot e = map.get(host);
        if (e == null) {
            return null;
        }
        if (e.expiresAt - clock.getAsLong() <= 0) {
            map.remove(host);
            return null;
        }
        return e.route;
    }

    synchronized void put(String host, Route route) {
        map.put(host, new Slot(route, clock.getAsLong() + ttlNanos));
    }

    synchronized void invalidate(String host) {
        map.remove(host);
    }
}
