package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of one gRPC stream (to an agent or to a client), safe to call from many
 * threads. {@link #send} waits while the transport's buffer is full ({@code isReady() == false}):
 * the caller is the inbound side of another stream, so waiting here stops it from requesting more
 * and the slow consumer slows the producer, with nothing queued in between.
 *
 * <p>The wait re-checks {@code isReady()} every few milliseconds instead of relying on the
 * onReady callback alone: that callback runs on the call's serialized executor, which may itself
 * be waiting in a send, and two streams waiting on each other's callbacks would deadlock.
 */
final class OutboundStream {
    private static final long RECHECK_MILLIS = 5;
    /**
     * Bytes gRPC may hold for the peer before {@code isReady()} turns false. The default (32 KiB)
     * is less than one 64 KiB data packet, so every bulk packet (a COPY, a large result) waited for
     * an onReady round trip; a few packets' worth keeps the socket busy and still bounds memory.
     */
    static final int ON_READY_THRESHOLD_BYTES = 256 * 1024;

    private final ServerCallStreamObserver<Packet> observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private volatile boolean closed;

    OutboundStream(ServerCallStreamObserver<Packet> observer) {
        this.observer = observer;
        observer.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        observer.setOnReadyHandler(this::signalReady);
    }

    private void signalReady() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one packet, waiting for room. Returns false when the stream is closed or cancelled
     * (the packet was not sent).
     */
    boolean send(Packet packet) {
        lock.lock();
        try {
            while (!closed && !observer.isCancelled() && !observer.isReady()) {
                ready.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (closed || observer.isCancelled()) {
                return false;
            }
            observer.onNext(packet);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            // the call was closed under us (peer gone): same as closed
            closed = true;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends only if there is room now, never waiting (keep-alives: a full stream is not idle). */
    boolean offer(Packet packet) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (closed || observer.isCancelled() || !observer.isReady()) {
                return false;
            }
            observer.onNext(packet);
            return true;
        } catch (RuntimeException e) {
            closed = true;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Completes the stream normally. Idempotent. */
    void complete() {
        finish(null);
    }

    /** Ends the stream with a status the peer sees. Idempotent. */
    void fail(Status status) {
        finish(status);
    }

    private void finish(Status status) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ready.signalAll();
            if (observer.isCancelled()) {
                return;
            }
            if (status == null) {
                observer.onCompleted();
            } else {
                observer.onError(status.asRuntimeException());
            }
        } catch (RuntimeException alreadyClosed) {
            // the peer went away first; nothing left to tell it
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed || observer.isCancelled();
    }
}
