package dev.hoop.agent.transport;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.InboundCredit;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent {@code Connect} stream, with flow control both ways: at most {@link #WINDOW} packets
 * from the gateway are being handled at any time (one more is requested each time a dispatch
 * stage completes), and a send completes only when gRPC reports the stream ready, so neither side
 * buffers without bound.
 *
 * <p>Why a window and not one packet at a time: the stream carries every session of the agent,
 * and waiting for each socket write to complete before asking for the next packet made all
 * sessions queue behind each other (one event-loop round trip per packet). Packets are still
 * dispatched one at a time, in arrival order, so the writes of one client connection reach its
 * socket in order (each handler queues them on its own event loop).
 */
final class GatewayStream implements ClientResponseObserver<Packet, Packet>, Outbound {
    private static final Logger log = LoggerFactory.getLogger(GatewayStream.class);
    /**
     * Packets from the gateway that may be in dispatch at once (bounds the agent's buffering). At
     * least the number of connections that may each have a message in flight: 16 held back a
     * session with 32 busy pgbench connections.
     */
    static final int WINDOW = 64;

    private final Object lock = new Object();
    // Sends waiting for onReady; at most one per producer, since each awaits its stage before the next send.
    private final ArrayDeque<CompletableFuture<Void>> waitingForReady = new ArrayDeque<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private Function<Packet, CompletionStage<Void>> dispatcher = p -> CompletableFuture.completedFuture(null);
    private ClientCallStreamObserver<Packet> out;
    private InboundCredit credit;
    private boolean closed;

    /** Where packets from the gateway go; set before the call starts. */
    void dispatchTo(Function<Packet, CompletionStage<Void>> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Completes when the gateway accepted the agent (AgentGatewayConnectOK). */
    CompletableFuture<Void> connected() {
        return connected;
    }

    /** Completes with the stream's final status; never exceptionally. */
    CompletableFuture<Status> ended() {
        return ended;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Packet> requestStream) {
        synchronized (lock) {
            this.out = requestStream;
        }
        requestStream.disableAutoRequestWithInitial(1);
        credit = new InboundCredit(WINDOW, this::request);
        requestStream.setOnReadyHandler(this::onReady);
    }

    @Override
    public void onNext(Packet packet) {
        String type = packet.getType();
        if (type.equals(AgentPacket.GATEWAY_CONNECT_OK)) {
            connected.complete(null);
            credit.start();
            return;
        }
        if (type.equals(GatewayPacket.KEEP_ALIVE)) {
            out.request(1);
            return;
        }
        CompletionStage<Void> handled;
        try {
            handled = dispatcher.apply(packet);
        } catch (RuntimeException e) {
            log.error("dispatching {} failed; continuing with the next packet", type, e);
            handled = CompletableFuture.completedFuture(null);
        }
        handled.whenComplete((ok, error) -> credit.handled());
    }

    private void request(int count) {
        synchronized (lock) {
            if (!closed) {
                out.request(count);
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        end(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end(Status.UNAVAILABLE.withDescription("the gateway ended the stream"));
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the gateway stream is closed"));
            }
            out.onNext(packet);
            if (out.isReady()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> ready = new CompletableFuture<>();
            waitingForReady.add(ready);
            return ready;
        }
    }

    /** Sends only when the stream is ready now (keep-alives: a busy stream needs none). */
    void sendIfReady(Packet packet) {
        synchronized (lock) {
            if (!closed && out.isReady()) {
                out.onNext(packet);
            }
        }
    }

    private void onReady() {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        synchronized (lock) {
            while (out.isReady() && !waitingForReady.isEmpty()) {
                released.add(waitingForReady.poll());
            }
        }
        // Completed outside the lock: continuations send again.
        released.forEach(f -> f.complete(null));
    }

    /**
     * Ends the stream from the agent's side. Before the call started there is nothing to cancel:
     * the controller checks for a stop right after starting it.
     */
    void cancel(String reason) {
        synchronized (lock) {
            if (closed || out == null) {
                return;
            }
            out.cancel(reason, null);
        }
    }

    private void end(Status status) {
        List<CompletableFuture<Void>> failed;
        synchronized (lock) {
            closed = true;
            failed = new ArrayList<>(waitingForReady);
            waitingForReady.clear();
        }
        IllegalStateException gone = new IllegalStateException("the gateway stream closed: " + status.getCode());
        failed.forEach(f -> f.completeExceptionally(gone));
        connected.completeExceptionally(status.asRuntimeException());
        ended.complete(status);
    }
}
