package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Receives one stream's packets for a test, and how it ended. */
final class PacketProbe implements StreamObserver<Packet> {
    private static final Duration WAIT = Duration.ofSeconds(10);
    final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public void onNext(Packet value) {
        packets.add(value);
    }

    @Override
    public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }

    /** The next packet other than a keep-alive (unless keep-alives are asked for). */
    Packet next() throws InterruptedException {
        return next(false);
    }

    Packet next(boolean keepAlives) throws InterruptedException {
        Packet p = poll();
        while (!keepAlives && p != null && p.getType().equals(dev.hoop.common.wire.GatewayPacket.KEEP_ALIVE)) {
            p = poll();
        }
        return p == null ? fail() : p;
    }

    private Packet poll() throws InterruptedException {
        return packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Packet fail() {
        throw new AssertionError("no packet within " + WAIT + (end.isDone() ? "; stream ended: " + end.join() : ""));
    }

    Status ended() throws Exception {
        return end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
