package dev.hoop.gateway.broker;

import dev.hoop.common.grpc.ReadySender;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * The sending half of one stream the gateway serves (to an agent or to a client): a
 * {@link ReadySender} (sends wait for room, see there why) plus the ways a server call ends.
 */
final class OutboundStream {
    /**
     * Bytes gRPC may hold for the peer before {@code isReady()} turns false. The default (32 KiB)
     * is less than one 64 KiB data packet, so every bulk packet (a COPY, a large result) waited for
     * an onReady round trip; a few packets' worth keeps the socket busy and still bounds memory.
     */
    static final int ON_READY_THRESHOLD_BYTES = 256 * 1024;

    private final ServerCallStreamObserver<Packet> observer;
    private final ReadySender<Packet> sender;
    private volatile boolean closed;

    OutboundStream(ServerCallStreamObserver<Packet> observer) {
        this.observer = observer;
        this.sender = new ReadySender<>(observer, this::isClosed, () -> closed = true);
        observer.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        observer.setOnReadyHandler(sender::signalReady);
    }

    /**
     * Sends one packet, waiting for room. Returns false when the stream is closed or cancelled
     * (the packet was not sent).
     */
    boolean send(Packet packet) {
        return sender.send(packet);
    }

    /** Sends only if there is room now, never waiting (keep-alives: a full stream is not idle). */
    boolean offer(Packet packet) {
        return sender.offer(packet);
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
        sender.locked(() -> {
            if (closed) {
                return null;
            }
            closed = true;
            sender.signalReady();
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
            return null;
        });
    }

    boolean isClosed() {
        return closed || observer.isCancelled();
    }
}
