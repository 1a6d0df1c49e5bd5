package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecordedFirstTest {
    private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

    private final RecordedFirst inOrder = new RecordedFirst();
    private final List<String> released = new CopyOnWriteArrayList<>();

    private void add(String name, CompletableFuture<?> written) {
        inOrder.add(written, failed -> released.add(failed == null ? name : name + " failed: " + failed.getMessage()));
    }

    @Test
    void aWrittenPacketBehindNothingGoesAtOnceOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        List<Thread> on = new ArrayList<>();
        inOrder.add(WRITTEN, failed -> on.add(Thread.currentThread()));
        assertThat(on).containsExactly(caller);
        assertThat(inOrder.held()).isZero();
    }

    @Test
    void aPacketWaitsForItsWriteAndThoseAfterItWaitBehindIt() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> third = new CompletableFuture<>();
        add("1", first);
        add("2", WRITTEN);
        add("3", third);
        assertThat(released).isEmpty();
        assertThat(inOrder.held()).isEqualTo(3);

        third.complete(null);
        assertThat(released).as("3 is written but 1 is not").isEmpty();
        first.complete(null);
        assertThat(released).containsExactly("1", "2", "3");
        assertThat(inOrder.held()).isZero();
        add("4", WRITTEN);
        assertThat(released).containsExactly("1", "2", "3", "4");
    }

    @Test
    void aFailedWriteIsHandedToItsPacketsReleaseUnwrapped() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        add("1", first);
        add("2", WRITTEN);
        first.completeExceptionally(new IOException("No space left on device"));
        assertThat(released).containsExactly("1 failed: No space left on device", "2");
    }

    @Test
    void aReleaseThatThrowsDoesNotStallThoseBehindIt() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        inOrder.add(first, failed -> {
            throw new IllegalStateException("broken release");
        });
        add("2", WRITTEN);
        first.complete(null);
        assertThat(released).containsExactly("2");
    }

    @Test
    void writesCompletingOnManyThreadsInAnyOrderReleaseInArrivalOrderOneAtATime() throws Exception {
        int n = 2_000;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            CompletableFuture<Void> w = i % 3 == 0 ? WRITTEN : new CompletableFuture<>();
            writes.add(w);
            int index = i;
            inOrder.add(w, failed -> {
                if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                order.add(index);
                running.decrementAndGet();
            });
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>(writes.stream().filter(w -> !w.isDone()).toList());
        Collections.shuffle(pending, new Random(42));
        List<Thread> completers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<CompletableFuture<Void>> share = pending.subList(t * pending.size() / 4, (t + 1) * pending.size() / 4);
            completers.add(Thread.ofPlatform().start(() -> share.forEach(w -> w.complete(null))));
        }
        for (Thread t : completers) {
            assertThat(t.join(java.time.Duration.ofSeconds(30))).isTrue();
        }
        // every release ran inside a complete() of a joined thread, or inline in add()
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertThat(order).isEqualTo(expected);
        assertThat(overlaps.get()).isZero();
        assertThat(inOrder.held()).isZero();
    }
}
