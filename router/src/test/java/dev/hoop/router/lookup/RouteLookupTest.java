package dev.hoop.router.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.driver.Route;
import dev.hoop.router.driver.RouteStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Sharing of reads in flight, against a store whose answers the test releases by hand (the point is
 * the order of events, which a real Redis answers too fast to observe).
 */
class RouteLookupTest {
    static final Route ONE = new Route("h.test", "app", List.of("http://10.0.0.1:80", "http://10.0.0.2:80"), Set.of());
    static final Route ONE_DEAD = new Route("h.test", "app", List.of("http://10.0.0.1:80", "http://10.0.0.2:80"), Set.of(1));
    /** Issues reads at once (the order of events tested below does not depend on batching). */
    static final Executor NOW = Runnable::run;

    /** Reads stay open until the test completes them; marks complete when the test says so. */
    static final class HeldStore implements RouteStore {
        final List<CompletableFuture<Route>> reads = new ArrayList<>();
        final List<CompletableFuture<Void>> marks = new ArrayList<>();

        @Override
        public CompletionStage<Route> read(List<String> candidates) {
            CompletableFuture<Route> f = new CompletableFuture<>();
            reads.add(f);
            return f;
        }

        @Override
        public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            marks.add(f);
            return f;
        }

        @Override
        public String describe() {
            return "held";
        }

        @Override
        public void close() {}
    }

    @Test
    void concurrentLookupsOfOneHostShareOneRead() {
        HeldStore store = new HeldStore();
        RouteLookup lookup = new RouteLookup(store, null);
        CompletableFuture<Route> a = lookup.find("h.test", NOW).toCompletableFuture();
        CompletableFuture<Route> b = lookup.find("h.test", NOW).toCompletableFuture();
        lookup.find("other.test", NOW);
        assertThat(store.reads).hasSize(2);
        store.reads.getFirst().complete(ONE);
        assertThat(a.join()).isEqualTo(ONE);
        assertThat(b.join()).isEqualTo(ONE);
        lookup.find("h.test", NOW);
        assertThat(store.reads).as("a finished read is not reused").hasSize(3);
    }

    @Test
    void aLookupAfterADeadMarkDoesNotJoinAReadIssuedBeforeIt() {
        HeldStore store = new HeldStore();
        RouteLookup lookup = new RouteLookup(store, null);
        CompletableFuture<Route> before = lookup.find("h.test", NOW).toCompletableFuture();
        lookup.markDead("h.test", "http://10.0.0.2:80", 1, 2, 30);
        store.marks.getFirst().complete(null);
        CompletableFuture<Route> after = lookup.find("h.test", NOW).toCompletableFuture();
        assertThat(store.reads).hasSize(2);
        store.reads.get(1).complete(ONE_DEAD);
        store.reads.get(0).complete(ONE);
        assertThat(after.join()).isEqualTo(ONE_DEAD);
        assertThat(before.join()).isEqualTo(ONE);
    }

    @Test
    void aReadIssuedBeforeADeadMarkIsNotCached() {
        HeldStore store = new HeldStore();
        RouteLookup lookup = new RouteLookup(store, new dev.hoop.router.config.RouterConfig.LruCache(10, 60));
        lookup.find("h.test", NOW);
        lookup.markDead("h.test", "http://10.0.0.2:80", 1, 2, 30);
        store.marks.getFirst().complete(null);
        store.reads.getFirst().complete(ONE); // answered after the mark: may predate it
        lookup.find("h.test", NOW);
        assertThat(store.reads).as("the stale answer was not cached").hasSize(2);
        store.reads.get(1).complete(ONE_DEAD);
        assertThat(lookup.find("h.test", NOW).toCompletableFuture().join()).isEqualTo(ONE_DEAD);
        assertThat(store.reads).as("a read after the mark is cached").hasSize(2);
    }

    @Test
    void lookupsOfOneBatchShareOneReadIssuedAfterTheBatch() {
        HeldStore store = new HeldStore();
        RouteLookup lookup = new RouteLookup(store, null);
        ArrayDeque<Runnable> loopTasks = new ArrayDeque<>(); // an event loop's tasks, run after its I/O events
        CompletableFuture<Route> a = lookup.find("h.test", loopTasks::add).toCompletableFuture();
        CompletableFuture<Route> b = lookup.find("h.test", loopTasks::add).toCompletableFuture();
        assertThat(store.reads).as("nothing is read while the batch is being handled").isEmpty();
        loopTasks.poll().run();
        assertThat(loopTasks).isEmpty();
        assertThat(store.reads).hasSize(1);
        CompletableFuture<Route> c = lookup.find("h.test", loopTasks::add).toCompletableFuture();
        assertThat(loopTasks).as("a lookup while the read is in flight joins it").isEmpty();
        store.reads.getFirst().complete(ONE);
        assertThat(List.of(a.join(), b.join(), c.join())).containsExactly(ONE, ONE, ONE);
        assertThat(store.reads).hasSize(1);
    }
}
