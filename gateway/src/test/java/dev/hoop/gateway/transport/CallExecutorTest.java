package dev.hoop.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallExecutorTest {
    private final ExecutorService setUp = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("set-up").factory());

    @AfterEach
    void stop() {
        setUp.shutdownNow();
    }

    @Test
    void runsOnTheSetUpThreadsUntilSwitchedThenOnTheCallersThread() throws Exception {
        CallExecutor executor = new CallExecutor(setUp);
        java.util.concurrent.CompletableFuture<Runnable> turn = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
        executor.execute(() -> {
            // a stream's set-up code gets the switch of the call it runs for
            turn.complete(CallExecutor.switchOfCurrentCall());
            first.complete(Thread.currentThread().getName());
        });
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("set-up");

        turn.get().run();
        List<String> after = new ArrayList<>();
        executor.execute(() -> after.add(Thread.currentThread().getName()));
        // inline: done by the time execute returns, on this thread
        assertThat(after).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void outsideACallsSetUpTheSwitchDoesNothing() {
        Runnable turn = CallExecutor.switchOfCurrentCall();
        turn.run();
        CallExecutor executor = new CallExecutor(setUp);
        // not switched by that: tasks still go to the set-up threads
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        executor.execute(() -> {
            threads.add(Thread.currentThread().getName());
            ran.countDown();
        });
        try {
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(threads).containsExactly("set-up");
    }

    @Test
    void aSwitchOnlyTurnsItsOwnCall() throws Exception {
        CallExecutor a = new CallExecutor(setUp);
        CallExecutor b = new CallExecutor(setUp);
        java.util.concurrent.CompletableFuture<Runnable> switchOfA = new java.util.concurrent.CompletableFuture<>();
        a.execute(() -> switchOfA.complete(CallExecutor.switchOfCurrentCall()));
        switchOfA.get(5, TimeUnit.SECONDS).run();

        String here = Thread.currentThread().getName();
        java.util.concurrent.CompletableFuture<String> onA = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> onB = new java.util.concurrent.CompletableFuture<>();
        a.execute(() -> onA.complete(Thread.currentThread().getName()));
        b.execute(() -> onB.complete(Thread.currentThread().getName()));
        assertThat(onA.get(5, TimeUnit.SECONDS)).isEqualTo(here);
        assertThat(onB.get(5, TimeUnit.SECONDS)).isEqualTo("set-up");
    }
}
