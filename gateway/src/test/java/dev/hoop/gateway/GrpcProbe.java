package dev.hoop.gateway;

import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Opens {@code Connect} streams with chosen metadata and records what the gateway sends back. */
public final class GrpcProbe {
    private GrpcProbe() {}

    /** One open stream: received packets and the final status (OK when completed). */
    public record Stream(StreamObserver<Packet> toGateway, BlockingQueue<Packet> received, CompletableFuture<Status> end) {
        public Packet next() throws InterruptedException {
            Packet p = received.poll(10, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no packet from the gateway within 10 s (end: " + end.getNow(null) + ")");
            }
            return p;
        }

        public Status awaitEnd() throws Exception {
            return end.get(10, TimeUnit.SECONDS);
        }
    }

    public static Stream connect(ManagedChannel channel, Map<String, String> metadata) {
        Metadata md = new Metadata();
        metadata.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<Packet> out = TransportGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .connect(new StreamObserver<>() {
                    @Override
                    public void onNext(Packet value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        end.complete(Status.OK);
                    }
                });
        return new Stream(out, received, end);
    }

    public static Map<String, String> agentMetadata(String secret) {
        return Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_AGENT, Wire.AUTHORIZATION.name(), "Bearer " + secret,
                Wire.HOSTNAME.name(), "test-host", Wire.VERSION.name(), "9.9.9", Wire.PLATFORM.name(), "linux/amd64");
    }
}
