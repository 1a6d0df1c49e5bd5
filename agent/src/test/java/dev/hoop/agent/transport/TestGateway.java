package dev.hoop.agent.transport;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's side of the agent protocol over real gRPC, for tests: authenticates the bearer
 * secret, answers AgentGatewayConnectOK, refuses a second stream of the same agent with
 * FAILED_PRECONDITION "agent already connected", and hands each accepted stream to the test as an
 * {@link AgentLink}. Can be stopped and started again on the same port.
 */
final class TestGateway implements AutoCloseable {
    private static final Context.Key<Metadata> HEADERS = Context.key("headers");

    private final String secret;
    private final dev.hoop.common.tls.TlsMaterial tls;
    // When false, the test asks for each packet from the agent (AgentLink.request): gRPC flow control then stops the agent.
    private volatile boolean autoRead = true;
    private final AtomicReference<AgentLink> online = new AtomicReference<>();
    final BlockingQueue<AgentLink> links = new LinkedBlockingQueue<>();
    private int port;
    private Server server;

    TestGateway(String secret) throws IOException {
        this(secret, null);
    }

    /** @param tls the server's certificate and key, or null for plaintext */
    TestGateway(String secret, dev.hoop.common.tls.TlsMaterial tls) throws IOException {
        this.secret = secret;
        this.tls = tls;
        start(0);
    }

    /** From now on, accepted streams read from the agent only what the test requests. */
    void manualRead() {
        autoRead = false;
    }

    int port() {
        return port;
    }

    synchronized void start(int onPort) throws IOException {
        Service service = new Service();
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        io.grpc.ServerCredentials credentials = tls == null ? InsecureServerCredentials.create()
                : io.grpc.TlsServerCredentials.create(tls.cert(), tls.key());
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort), credentials)
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(service, capture))
                .build()
                .start();
        port = server.getPort();
    }

    /** Stops abruptly, as a crashed gateway does: every stream ends. */
    synchronized void stop() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        AgentLink link = online.getAndSet(null);
        if (link != null) {
            link.ended.complete(Status.UNAVAILABLE);
        }
    }

    /** The next accepted agent stream. */
    AgentLink nextLink(Duration within) throws InterruptedException {
        AgentLink link = links.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (link == null) {
            throw new AssertionError("no agent connected within " + within);
        }
        return link;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** One accepted agent stream, as the test sees it. */
    static final class AgentLink {
        final Metadata headers;
        final long acceptedAtNanos = System.nanoTime();
        final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        private final ServerCallStreamObserver<Packet> out;

        AgentLink(Metadata headers, ServerCallStreamObserver<Packet> out) {
            this.headers = headers;
            this.out = out;
        }

        /** Lets {@code n} more packets in from the agent (manual read mode). */
        void request(int n) {
            out.request(n);
        }

        synchronized void send(Packet p) {
            out.onNext(p);
        }

        /** The next packet that is not a keep-alive. */
        Packet next(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                Packet p = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (p == null) {
                    throw new AssertionError("no packet from the agent within " + within);
                }
                if (!p.getType().equals(dev.hoop.common.wire.GatewayPacket.KEEP_ALIVE)) {
                    return p;
                }
            }
        }

        String header(Metadata.Key<String> key) {
            return headers.get(key);
        }
    }

    private final class Service extends TransportGrpc.TransportImplBase {
        @Override
        public StreamObserver<Packet> connect(StreamObserver<Packet> responses) {
            Metadata headers = HEADERS.get();
            ServerCallStreamObserver<Packet> out = (ServerCallStreamObserver<Packet>) responses;
            if (!Wire.ORIGIN_AGENT.equals(headers.get(Wire.ORIGIN))) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("missing origin").asRuntimeException());
                return ignore();
            }
            if (!("Bearer " + secret).equals(headers.get(Wire.AUTHORIZATION))) {
                out.onError(Status.UNAUTHENTICATED.withDescription("invalid agent key").asRuntimeException());
                return ignore();
            }
            AgentLink link = new AgentLink(headers, out);
            if (!autoRead) {
                out.disableAutoRequest();
            }
            if (!online.compareAndSet(null, link)) {
                out.onError(Status.FAILED_PRECONDITION.withDescription("agent already connected").asRuntimeException());
                return ignore();
            }
            link.send(Packet.newBuilder().setType(AgentPacket.GATEWAY_CONNECT_OK).build());
            links.add(link);
            return new StreamObserver<>() {
                @Override
                public void onNext(Packet p) {
                    link.received.add(p);
                }

                @Override
                public void onError(Throwable t) {
                    online.compareAndSet(link, null);
                    link.ended.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    online.compareAndSet(link, null);
                    link.ended.complete(Status.OK);
                    out.onCompleted();
                }
            };
        }

        private StreamObserver<Packet> ignore() {
            return new StreamObserver<>() {
                @Override
                public void onNext(Packet value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            };
        }
    }
}
