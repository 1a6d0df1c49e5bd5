package dev.hoop.common.grpc;

import io.grpc.stub.CallStreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sending half of one gRPC stream (client or server side), safe to call from many threads.
 * {@link #send} waits while the transport's buffer is full ({@code isReady() == false}), so the
 * caller — the reader of another stream or socket — stops reading, and a slow consumer slows its
 * producer with nothing queued in between.
 *
 * <p>The wait re-checks {@code isReady()} every few milliseconds instead of relying on the
 * onReady callback alone: that callback runs on the call's serialized executor, which may itself
 * be waiting in a send, and two streams waiting on each other's callbacks would deadlock.
 * The owner calls {@link #signalReady()} from the call's onReady handler.
 */
public final class ReadySender<T> {
    private static final long RECHECK_MILLIS = 5;

    private final CallStreamObserver<T> call;
    private final BooleanSupplier gone;
    private final Runnable broken;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();

    /**
     * @param gone   true once the stream has ended or was cancelled: sends are refused
     * @param broken run when {@code onNext} throws (the call closed under us)
     */
    public ReadySender(CallStreamObserver<T> call, BooleanSupplier gone, Runnable broken) {
        this.call = call;
        this.gone = gone;
        this.broken = broken;
    }

    /** Wakes waiting senders: from the onReady handler, and when the stream ends. */
    public void signalReady() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends one message, waiting for room; false when the stream is gone (nothing was sent). */
    public boolean send(T message) {
        lock.lock();
        try {
            while (!gone.getAsBoolean() && !call.isReady()) {
                ready.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
            return !gone.getAsBoolean() && next(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends only if there is room now and no other send is under way; never waits. */
    public boolean offer(T message) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            return !gone.getAsBoolean() && call.isReady() && next(message);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} under the send lock (completing or failing the call, other sends). */
    public <R> R locked(Supplier<R> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** {@code onNext} under the lock; a call closed under us counts as broken. */
    public boolean next(T message) {
        try {
            call.onNext(message);
            return true;
        } catch (RuntimeException e) {
            broken.run();
            return false;
        }
    }
}
