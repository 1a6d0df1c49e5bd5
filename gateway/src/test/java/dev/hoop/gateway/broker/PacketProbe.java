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

    Packet next() throws InterruptedException {
        Packet p = packets.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no packet within " + WAIT + (end.isDone() ? "; stream ended: " + end.join() : ""));
        }
        return p;
    }

    Status ended() throws Exception {
        return end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
