package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.AuditStore;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.transport.CallExecutor;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.StatusException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server on an ephemeral port whose Transport hands streams straight to a
 * {@link SessionBroker} (authentication is the transport's job and is tested there): metadata
 * {@code origin=agent} with {@code hostname} naming a known agent, or {@code origin=client} with
 * {@code connection-name}. Catalog, ledger and audit store keep what they are given in memory.
 */
final class BrokerHarness implements AutoCloseable {
    static final UUID ORG = UUID.randomUUID();
    static final long KEEP_ALIVE_MILLIS = 200;
    static final AgentIdentity AGENT = new AgentIdentity(UUID.randomUUID(), ORG, "prod-agent", "host-a", "test", "linux/amd64", Instant.now());
    static final SessionUser USER = new SessionUser(UUID.randomUUID(), ORG, "alice@example.com", Set.of("dev"));
    static final ConnectionParams PARAMS = new ConnectionParams("pg", "postgres", List.of(), Map.of("HOST", "db", "PASS", "s3cr3t"));
    /** The connections a user may open, by name: one of each type. */
    static final Map<String, String> TYPES = Map.of("pg", "postgres", "tcp", "tcp", "sh", "command-line", "web", "http");

    final Map<UUID, SessionLedger.Opened> opened = new ConcurrentHashMap<>();
    final Map<UUID, Object[]> closed = new ConcurrentHashMap<>();
    final Map<UUID, List<AuditEvent>> audited = new ConcurrentHashMap<>();
    final Map<UUID, String> redactions = new ConcurrentHashMap<>();
    static final ResolvedConnection.Masking MASKING = new ResolvedConnection.Masking("types=EMAIL_ADDRESS;format=TOKEN", new byte[32]);
    final SessionBroker broker;
    /** What the API tells of revoked users and changed access (see SessionRevoker). */
    final Revocations revocations = new Revocations();
    static final UUID PG_ID = UUID.randomUUID();
    /** Whether USER may use connection "pg" (the catalog answers as the access rules would). */
    volatile boolean pgAllowed = true;
    /** Makes the ledger fail as a database that went away does. */
    volatile boolean storageDown;
    final Server server;
    final ManagedChannel channel;

    BrokerHarness(Path auditDir) throws Exception {
        this(auditDir, AuditLog::open);
    }

    /** @param audit opens the audit log (e.g. one on a full disk) */
    BrokerHarness(Path auditDir, java.util.function.BiFunction<Path, AuditStore, AuditLog> audit) throws Exception {
        ConnectionCatalog plain = (user, name) -> Optional.ofNullable(TYPES.get(name)).filter(t -> pgAllowed || !name.equals("pg")).map(type -> new ResolvedConnection(
                name.equals("pg") ? PG_ID : UUID.randomUUID(), ORG, name, type, AGENT.id(), AGENT.name(),
                name.equals("pg") ? PARAMS : new ConnectionParams(name, type, List.of(), Map.of("HOST", "h", "PORT", "1"))));
        // "masked": a command-line connection with data masking
        ConnectionCatalog catalog = (user, name) -> name.equals("masked")
                ? Optional.of(new ResolvedConnection(UUID.randomUUID(), ORG, name, "command-line", AGENT.id(), AGENT.name(),
                        new ConnectionParams(name, "command-line", List.of("sh"), Map.of()), MASKING))
                : plain.resolve(user, name);
        SessionLedger ledger = new SessionLedger() {
            @Override
            public void redactions(UUID id, String summaryJson) {
                redactions.put(id, summaryJson);
            }

            @Override
            public void opened(Opened session) {
                if (storageDown) {
                    throw new IllegalStateException("database down");
                }
                opened.put(session.id(), session);
            }

            @Override
            public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
                closed.put(id, new Object[] {exitCode, error});
            }
        };
        AuditStore store = (id, events) -> audited.put(id, List.copyOf(events));
        broker = new SessionBroker(new AgentDirectory(), catalog, ledger, audit.apply(auditDir, store),
                SessionBroker::auditorFor, java.time.Duration.ofMillis(KEEP_ALIVE_MILLIS), revocations);
        TransportGrpc.TransportImplBase transport = new TransportGrpc.TransportImplBase() {
            @Override
            public StreamObserver<Packet> connect(StreamObserver<Packet> responses) {
                Metadata md = CapturedMetadata.CURRENT.get();
                ServerCallStreamObserver<Packet> out = (ServerCallStreamObserver<Packet>) responses;
                try {
                    Runnable setUp = CallExecutor.switchOfCurrentCall();
                    if (Wire.ORIGIN_AGENT.equals(md.get(Wire.ORIGIN))) {
                        StreamObserver<Packet> in = broker.agentStream(AGENT, out);
                        setUp.run();
                        return in;
                    }
                    return broker.clientStream(USER, md.get(Wire.VERB), md.get(Wire.CONNECTION_NAME), out, setUp);
                } catch (StatusException e) {
                    out.onError(e);
                    return new StreamObserver<>() {
                        public void onNext(Packet p) {}
                        public void onError(Throwable t) {}
                        public void onCompleted() {}
                    };
                }
            }
        };
        // as the gateway runs calls: set up on virtual threads, then inline on the event loop
        java.util.concurrent.ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .executor(threads)
                .callExecutor(CallExecutor.perCall(threads))
                .addService(ServerInterceptors.intercept(transport, new CapturedMetadata()))
                .build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
    }

    /** A Connect stream stub carrying the given metadata, verb exec. */
    TransportGrpc.TransportStub stub(String origin, String connectionName) {
        return stub(origin, connectionName, Wire.VERB_EXEC);
    }

    /** @param verb the {@code verb} metadata; null: none */
    TransportGrpc.TransportStub stub(String origin, String connectionName, String verb) {
        Metadata md = new Metadata();
        md.put(Wire.ORIGIN, origin);
        if (verb != null) {
            md.put(Wire.VERB, verb);
        }
        if (connectionName != null) {
            md.put(Wire.CONNECTION_NAME, connectionName);
        }
        return TransportGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** Connects the agent and waits for its AgentGatewayConnectOK; returns the agent's side of the stream. */
    StreamObserver<Packet> connectAgent(PacketProbe fromGateway) throws InterruptedException {
        StreamObserver<Packet> toGateway = stub(Wire.ORIGIN_AGENT, null).connect(fromGateway);
        assertThat(fromGateway.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        return toGateway;
    }

    /** Waits, at most 5 s, until the broker lists the agent as online. */
    void awaitAgentOnline() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!broker.agents().isOnline(AGENT.id())) {
            assertThat(System.nanoTime()).as("agent online in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
    }

    /** Makes each call's headers visible to the service method, as the real transport does. */
    static final class CapturedMetadata implements io.grpc.ServerInterceptor {
        static final io.grpc.Context.Key<Metadata> KEY = io.grpc.Context.key("md");
        static final ThreadLocal<Metadata> CURRENT = new ThreadLocal<>();

        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                   io.grpc.ServerCallHandler<Q, R> next) {
            CURRENT.set(headers);
            try {
                return next.startCall(call, headers);
            } finally {
                CURRENT.remove();
            }
        }
    }
}
