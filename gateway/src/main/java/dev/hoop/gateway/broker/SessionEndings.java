package dev.hoop.gateway.broker;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a session's end is recorded (database and audit flush), each on a virtual thread of its
 * own, off the event loops. It keeps the ends still being recorded, so that a shutdown can wait for
 * them before the database closes: that bookkeeping is why it is more than an executor.
 */
final class SessionEndings implements Executor {
    private final Set<CompletableFuture<Void>> recording = ConcurrentHashMap.newKeySet();

    @Override
    public void execute(Runnable task) {
        CompletableFuture<Void> f = CompletableFuture.runAsync(task, t -> Thread.ofVirtual().name("session-end").start(t));
        recording.add(f);
        f.whenComplete((ok, e) -> recording.remove(f));
    }

    /** @return how many ends were still being recorded when {@code wait} ran out */
    int awaitAll(Duration wait) {
        try {
            CompletableFuture.allOf(recording.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return 0;
        } catch (TimeoutException e) {
            return recording.size();
        } catch (ExecutionException e) {
            return 0; // each ending logs its own failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return recording.size();
        }
    }
}
