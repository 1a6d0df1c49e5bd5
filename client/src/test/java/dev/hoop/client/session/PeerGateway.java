package dev.hoop.client.session;

import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayChannels;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The far side of a client session for tests, over real gRPC on an ephemeral port: it plays
 * gateway and agent together. Connect sessions of type {@code type} echo every write back upper-cased
 * on the same connection id; exec sessions answer the input reversed on stdout, "warn" on stderr
 * and the exit code given. Every packet the client sends is checked against the allow-list of its
 * session's (type, verb): {@link #violations} lists the ones the real gateway would refuse.
 */
final class PeerGateway implements AutoCloseable {
    final List<Packet> received = new CopyOnWriteArrayList<>();
    /** Why the real gateway would refuse a packet this client sent; empty when the client kept to the contract. */
    final List<String> violations = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<String> VERB = new ThreadLocal<>();
    final Server server;
    final ManagedChannel channel;
    /** The loop the channel runs on, as {@link GatewayLink} sets it up. */
    final EventLoopGroup loops = EventLoops.newGroup(1, "peer-io");

    PeerGateway(String type, int exitCode) throws Exception {
        TransportGrpc.TransportImplBase service = new TransportGrpc.TransportImplBase() {
            @Override
            public StreamObserver<Packet> connect(StreamObserver<Packet> out) {
                Verb verb = Verb.find(VERB.get()).orElse(null);
                ConnectionType connectionType = ConnectionType.find(type).orElseThrow();
                return new StreamObserver<>() {
                    private boolean opened;

                    @Override
                    public void onNext(Packet p) {
                        received.add(p);
                        if (verb == null) {
                            violations.add(Verb.unknown(VERB.get()));
                        } else if (!opened) {
                            opened = true;
                            if (!p.getType().equals(AgentPacket.SESSION_OPEN)) {
                                violations.add(p.getType() + " before " + AgentPacket.SESSION_OPEN);
                            }
                            connectionType.openRefusal(verb, p.getPayload().size()).ifPresent(violations::add);
                        } else {
                            connectionType.refusal(verb, p.getType()).ifPresent(violations::add);
                        }
                        switch (p.getType()) {
                            case AgentPacket.SESSION_OPEN -> {
                                out.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_CONNECTION_TYPE, type), null));
                                if (!p.getPayload().isEmpty()) {
                                    out.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(),
                                            new StringBuilder(p.getPayload().toStringUtf8()).reverse().toString().getBytes()));
                                    out.onNext(Wire.packet(ClientPacket.WRITE_STDERR, Map.of(), "warn".getBytes()));
                                    out.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.CLIENT_EXIT_CODE, String.valueOf(exitCode)), null));
                                    out.onCompleted();
                                }
                            }
                            case AgentPacket.PG_CONNECTION_WRITE, AgentPacket.TCP_CONNECTION_WRITE -> {
                                if (!p.getPayload().isEmpty()) {
                                    String reply = p.getType().equals(AgentPacket.PG_CONNECTION_WRITE)
                                            ? ClientPacket.PG_CONNECTION_WRITE : ClientPacket.TCP_CONNECTION_WRITE;
                                    out.onNext(Wire.packet(reply, Map.of(SpecKey.CLIENT_CONNECTION_ID, Wire.spec(p, SpecKey.CLIENT_CONNECTION_ID)),
                                            p.getPayload().toStringUtf8().toUpperCase().getBytes()));
                                }
                            }
                            default -> { }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }
        };
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .addService(ServerInterceptors.intercept(service, new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        VERB.set(headers.get(Wire.VERB)); // the service method runs inside startCall
                        try {
                            return next.startCall(call, headers);
                        } finally {
                            VERB.remove();
                        }
                    }
                })).build().start();
        channel = GatewayChannels.open(GatewayTarget.parse("grpc://127.0.0.1:" + server.getPort()), ChannelSettings.defaults(), loops);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
