package dev.hoop.client.session;

import dev.hoop.common.grpc.ReadySender;
import dev.hoop.common.Version;
import dev.hoop.common.wire.InboundCredit;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client's {@code Connect} stream to the gateway for one session. Inbound packets are handed
 * to a {@link PacketHandler} one at a time, in order; at most {@link #WINDOW} of them may be
 * unfinished (the handler's {@code done} not yet called), so a slow local socket slows the
 * gateway instead of filling memory. {@link #send} waits while the gRPC buffer is full
 * (backpressure from the gateway); {@link #sendOrWait} is its non-blocking form for event loops.
 */
public final class SessionStream implements PacketSink {
    /** Receives the gateway's packets. */
    public interface PacketHandler {
        /**
         * Handles one packet; call {@code done.run()} when ready for the next one (possibly later,
         * from another thread, e.g. once a socket write completed).
         */
        void onPacket(Packet packet, Runnable done);

        /** The stream ended: {@code status} is OK for a normal end. */
        void onEnd(Status status);
    }

    /**
     * Inbound packets that may be in the handler's hands at once. More than one, since a connect
     * session multiplexes many sockets: with one, every socket waited for the previous packet's
     * socket write (an event-loop round trip) before the gateway could deliver its own; 64 rather
     * than 16, so that 32 busy local connections do not wait for each other's credit.
     */
    static final int WINDOW = 64;
    /** Bytes gRPC may buffer towards the gateway before {@code isReady()} turns false (the default 32 KiB is under one 64 KiB read). */
    static final int ON_READY_THRESHOLD_BYTES = 256 * 1024;

    /** What {@link #sendOrWait} did. */
    public enum Offer {
        /** The packet went out. */
        SENT,
        /** The stream is full: the packet was not sent, and the callback runs once there is room. */
        WAITING,
        /** The stream has ended: the packet was not sent. */
        ENDED
    }

    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<Packet> call;
    /** Set as the call starts: sends wait for room (see ReadySender), share its lock. */
    private volatile ReadySender<Packet> sender;
    private volatile InboundCredit credit;
    /** Callbacks of {@link #sendOrWait} calls that found the stream full; at most one per socket. */
    private final java.util.ArrayList<Runnable> roomWaiters = new java.util.ArrayList<>();

    private SessionStream() {}

    /**
     * Opens the stream.
     *
     * @param verb           {@link Wire#VERB_CONNECT} or {@link Wire#VERB_EXEC}
     * @param connectionName the connection to open
     * @param token          the user's bearer token
     */
    public static SessionStream open(Channel channel, String verb, String connectionName, String token, PacketHandler handler) {
        return open(channel, verb, connectionName, token, handler, null);
    }

    /**
     * Opens the stream with the handler (and the ready callbacks) run on {@code callbacks}, e.g. the
     * event loop of the local sockets, so that relaying a packet to a socket needs no thread hop.
     * The handler must then never block; null means gRPC's default executor.
     */
    public static SessionStream open(Channel channel, String verb, String connectionName, String token, PacketHandler handler,
                                     java.util.concurrent.Executor callbacks) {
        Metadata md = new Metadata();
        md.put(Wire.ORIGIN, Wire.ORIGIN_CLIENT);
        md.put(Wire.VERB, verb);
        md.put(Wire.CONNECTION_NAME, connectionName);
        if (token != null && !token.isBlank()) {
            md.put(Wire.AUTHORIZATION, "Bearer " + token);
        }
        md.put(Wire.VERSION, Version.current());
        md.put(Wire.HOSTNAME, hostname());
        md.put(Wire.PLATFORM, System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
        SessionStream stream = new SessionStream();
        TransportGrpc.TransportStub stub = TransportGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        if (callbacks != null) {
            stub = stub.withExecutor(callbacks);
        }
        stub.connect(stream.observer(handler));
        return stream;
    }

    private ClientResponseObserver<Packet, Packet> observer(PacketHandler handler) {
        return new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Packet> requestStream) {
                call = requestStream;
                sender = new ReadySender<>(requestStream, ended::isDone, () -> { });
                // the window is requested as the call starts (request() is not allowed before)
                requestStream.disableAutoRequestWithInitial(WINDOW);
                credit = new InboundCredit(WINDOW, requestStream::request);
                requestStream.setOnReadyHandler(SessionStream.this::signalReady);
            }

            @Override
            public void onNext(Packet packet) {
                handler.onPacket(packet, credit::handled);
            }

            @Override
            public void onError(Throwable t) {
                finish(Status.fromThrowable(t), handler);
            }

            @Override
            public void onCompleted() {
                finish(Status.OK, handler);
            }
        };
    }

    private void finish(Status status, PacketHandler handler) {
        if (ended.complete(status)) {
            signalReady();
            handler.onEnd(status);
        }
    }

    private void signalReady() {
        sender.signalReady();
        List<Runnable> wake = sender.locked(() -> {
            List<Runnable> w = List.copyOf(roomWaiters);
            roomWaiters.clear();
            return w;
        });
        // outside the lock: a callback sends again (and may register again if the room is gone)
        wake.forEach(Runnable::run);
    }

    /**
     * Sends a packet if the stream has room now; otherwise registers {@code onRoom} to run once it
     * has (on the ready callback's thread, or when the stream ends) and sends nothing. Never waits,
     * so it is safe on an event loop.
     */
    @Override
    public Offer sendOrWait(Packet packet, Runnable onRoom) {
        return sender.locked(() -> {
            if (ended.isDone()) {
                return Offer.ENDED;
            }
            if (!call.isReady()) {
                roomWaiters.add(onRoom);
                return Offer.WAITING;
            }
            return sender.next(packet) ? Offer.SENT : Offer.ENDED;
        });
    }

    /** Sends a packet, waiting for room; false when the stream has ended. */
    public boolean send(Packet packet) {
        return sender.send(packet);
    }

    /** True when a send would not wait. */
    public boolean isReady() {
        return !ended.isDone() && call.isReady();
    }

    /** Registers a task run each time the stream becomes ready again (in addition to waking senders). */
    public void onReady(Runnable task) {
        call.setOnReadyHandler(() -> {
            signalReady();
            task.run();
        });
    }

    /** Ends our half of the stream (the gateway then ends the session). */
    public void close() {
        sender.locked(() -> {
            try {
                if (!ended.isDone()) {
                    call.onCompleted();
                }
            } catch (RuntimeException alreadyClosed) {
                // the stream ended under us; nothing to close
            }
            return null;
        });
    }

    /** Completes with the stream's final status. */
    public CompletableFuture<Status> ended() {
        return ended;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
