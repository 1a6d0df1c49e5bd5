package dev.hoop.router.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.driver.Route;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouteCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final RouteCache cache = new RouteCache(2, 5, now::get);

    private static Route route(String id) {
        return new Route("frontend:" + id, id, List.of("http://" + id), Set.of());
    }

    @Test
    void aRouteIsServedUntilItsTtlThenForgotten() {
        Route a = route("a");
        cache.put("a.test", a);
        now.addAndGet(TimeUnit.SECONDS.toNanos(5) - 1);
        assertThat(cache.get("a.test")).isSameAs(a);
        now.addAndGet(1);
        assertThat(cache.get("a.test")).isNull();
    }

    @Test
    void invalidateDropsTheHostOnly() {
        cache.put("a.test", route("a"));
        cache.put("b.test", route("b"));
        cache.invalidate("a.test");
        assertThat(cache.get("a.test")).isNull();
        assertThat(cache.get("b.test")).isEqualTo(route("b"));
    }

    @Test
    void theCacheNeverHoldsMoreThanItsSize() {
        for (int i = 0; i < 50; i++) {
            cache.put(i + ".test", route("r" + i));
        }
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void manyThreadsShareItWithoutLosingEntries() throws InterruptedException {
        RouteCache big = new RouteCache(10_000, 60, now::get);
        java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int base = t * 1000;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    big.put((base + i) + ".test", route("r" + (base + i)));
                    if (big.get((base + i) + ".test") == null) {
                        misses.incrementAndGet();
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(misses).hasValue(0);
        assertThat(big.size()).isEqualTo(4000);
    }
}
