package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hand-written client: one Connect stream as a user, what it receives, and how it ended. */
final class MatrixClient implements StreamObserver<Packet> {
    /** How long a packet, or the end of the stream, may take. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    final StreamObserver<Packet> out;

    MatrixClient(ManagedChannel channel, String token, String verb, String connection) {
        Metadata md = new Metadata();
        md.put(Wire.ORIGIN, Wire.ORIGIN_CLIENT);
        md.put(Wire.VERB, verb);
        md.put(Wire.CONNECTION_NAME, connection);
        md.put(Wire.AUTHORIZATION, "Bearer " + token);
        out = TransportGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).connect(this);
    }

    MatrixClient(ManagedChannel channel, String token, Verb verb, String connection) {
        this(channel, token, verb.wireName(), connection);
    }

    void send(String type, Map<String, String> spec, byte[] payload) {
        out.onNext(Wire.packet(type, spec, payload));
    }

    void closeSession() throws Exception {
        send(AgentPacket.SESSION_CLOSE, Map.of(), new byte[0]);
        assertThat(ended().isOk()).isTrue();
    }

    Packet next() throws InterruptedException {
        while (true) {
            Packet p = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(p).as("a packet within %s (stream ended: %s)", WAIT, end.getNow(null)).isNotNull();
            if (!p.getType().equals(GatewayPacket.KEEP_ALIVE)) {
                return p;
            }
        }
    }

    /** Payloads of {@code type} until their text contains {@code marker}; returns the text. */
    String readUntil(String type, String marker) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().contains(marker)) {
            Packet p = next();
            assertThat(p.getType()).as("while waiting for '%s' in %s: %s", marker, text, p.getPayload().toStringUtf8()).isEqualTo(type);
            text.append(p.getPayload().toString(StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    Status ended() throws Exception {
        return end.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What arrived and was not read, keep-alives aside. */
    List<Packet> rest() {
        return received.stream().filter(p -> !p.getType().equals(GatewayPacket.KEEP_ALIVE)).toList();
    }

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
}
