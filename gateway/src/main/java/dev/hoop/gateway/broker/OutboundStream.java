package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The sending half of one stream the gateway serves (to an agent or to a client). Sends never
 * wait: they run on event loops. Backpressure works on the producer's credit instead: whoever
 * forwarded a packet here gives its inbound credit back through {@link #whenReady}, which holds it
 * while this stream's buffer is over {@link #ON_READY_THRESHOLD_BYTES}. The producer's stream then
 * stops reading once its window is used up, so a slow consumer slows its producer, and what waits
 * here is bounded by the producers' windows.
 */
final class OutboundStream {
    /**
     * Bytes gRPC may hold for the peer before {@code isReady()} turns false. The default (32 KiB)
     * is less than one 64 KiB data packet, so every bulk packet (a COPY, a large result) waited for
     * an onReady round trip; a few packets' worth keeps the socket busy and still bounds memory.
     */
    static final int ON_READY_THRESHOLD_BYTES = 256 * 1024;

    private final ServerCallStreamObserver<Packet> observer;
    /** Guards the call (not thread-safe) and the waiters; never held while a waiter runs. */
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> waitingForRoom = new ArrayDeque<>();
    private volatile boolean closed;

    OutboundStream(ServerCallStreamObserver<Packet> observer) {
        this.observer = observer;
        observer.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        observer.setOnReadyHandler(this::onReady);
        observer.setOnCancelHandler(this::onCancel);
    }

    /**
     * Sends one packet now, whatever the buffer holds (see the class comment for what bounds it).
     * Returns false when the stream is closed or cancelled (the packet was not sent).
     */
    boolean send(Packet packet) {
        synchronized (lock) {
            if (isClosed()) {
                return false;
            }
            try {
                observer.onNext(packet);
                return true;
            } catch (RuntimeException callClosedUnderUs) {
                closed = true;
            }
        }
        releaseWaiters();
        return false;
    }

    /** Sends only if there is room now (keep-alives: a full stream is not idle). */
    boolean offer(Packet packet) {
        synchronized (lock) {
            if (!observer.isReady()) {
                return false;
            }
        }
        return send(packet);
    }

    /**
     * Runs {@code task} once the stream has room: now if it has, or is closed (nothing will wait
     * for it any more); else from the stream's ready callback.
     */
    void whenReady(Runnable task) {
        synchronized (lock) {
            if (!isClosed() && !observer.isReady()) {
                waitingForRoom.add(task);
                return;
            }
        }
        task.run();
    }

    private void onReady() {
        List<Runnable> ready;
        synchronized (lock) {
            if (!isClosed() && !observer.isReady()) {
                return;
            }
            ready = drainWaiters();
        }
        ready.forEach(Runnable::run);
    }

    private void onCancel() {
        closed = true;
        releaseWaiters();
    }

    private void releaseWaiters() {
        List<Runnable> released;
        synchronized (lock) {
            released = drainWaiters();
        }
        released.forEach(Runnable::run);
    }

    private List<Runnable> drainWaiters() {
        List<Runnable> drained = new ArrayList<>(waitingForRoom);
        waitingForRoom.clear();
        return drained;
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
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (!observer.isCancelled()) {
                    if (status == null) {
                        observer.onCompleted();
                    } else {
                        observer.onError(status.asRuntimeException());
                    }
                }
            } catch (RuntimeException alreadyClosed) {
                // the peer went away first; nothing left to tell it
            }
        }
        releaseWaiters();
    }

    boolean isClosed() {
        return closed || observer.isCancelled();
    }
}
