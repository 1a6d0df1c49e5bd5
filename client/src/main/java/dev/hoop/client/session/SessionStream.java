package dev.hoop.client.session;

import dev.hoop.common.Version;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's {@code Connect} stream to the gateway for one session. Inbound packets are handed
 * to a {@link PacketHandler} one at a time and the next one is requested only when the handler
 * says it is done with it (backpressure towards the gateway); {@link #send} waits while the
 * gRPC buffer is full (backpressure from the gateway).
 */
public final class SessionStream {
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

    private static final long RECHECK_MILLIS = 5;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<Packet> call;

    private SessionStream() {}

    /**
     * Opens the stream.
     *
     * @param verb           {@link Wire#VERB_CONNECT} or {@link Wire#VERB_EXEC}
     * @param connectionName the connection to open
     * @param token          the user's bearer token
     */
    public static SessionStream open(Channel channel, String verb, String connectionName, String token, PacketHandler handler) {
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
        TransportGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .connect(stream.observer(handler));
        return stream;
    }

    private ClientResponseObserver<Packet, Packet> observer(PacketHandler handler) {
        return new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Packet> requestStream) {
                call = requestStream;
                requestStream.disableAutoRequestWithInitial(1);
                requestStream.setOnReadyHandler(SessionStream.this::signalReady);
            }

            @Override
            public void onNext(Packet packet) {
                handler.onPacket(packet, () -> call.request(1));
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
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends a packet, waiting for room; false when the stream has ended. */
    public boolean send(Packet packet) {
        lock.lock();
        try {
            while (!ended.isDone() && !call.isReady()) {
                ready.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (ended.isDone()) {
                return false;
            }
            call.onNext(packet);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false;
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            if (!ended.isDone()) {
                call.onCompleted();
            }
        } catch (RuntimeException alreadyClosed) {
            // the stream ended under us; nothing to close
        } finally {
            lock.unlock();
        }
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
