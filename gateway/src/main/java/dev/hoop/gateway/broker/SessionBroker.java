package dev.hoop.gateway.broker;

import dev.hoop.common.pgwire.StatementExtractor;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.InboundCredit;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.metrics.SessionMetrics;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins client streams to agent streams (docs/architecture.md#flows). Every client stream is a session:
 * resolved to a connection the user may use, given an id, recorded, and routed to the
 * connection's agent; agent packets come back by {@code gateway.session_id}.
 *
 * <p>Threading: a stream is set up on a virtual thread (the database work of authorizing and
 * recording), then its packets arrive one at a time on the transport's event loop, where nothing
 * blocks: a packet's audit events are queued for the audit writer, the packet is forwarded (a send
 * on the other stream) once they are written ({@link ClientSession}), and its inbound credit goes
 * back only once that stream has room ({@link OutboundStream#whenReady}, {@link InboundWindow}). So a
 * slow consumer, or a slow disk, slows its producer and nothing queues without bound. What blocks at
 * a session's end (flushing its audit, its row) runs on a virtual thread of its own ({@link SessionEndings}).
 *
 * <p>This class admits client sessions and owns the broker's lifecycle; the agent side is {@link AgentStreams},
 * the keep-alive timer {@link KeepAlives}.
 */
public final class SessionBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionBroker.class);

    private final AgentDirectory agents;
    private final AgentStreams agentStreams;
    private final ConnectionCatalog catalog;
    private final SessionLedger ledger;
    private final AuditLog audit;
    private final BiFunction<ConnectionType, Verb, InputAuditor> auditors;
    private final SessionRevoker revoker;
    /** Where a session's end is recorded (database and audit flush), off the event loops; a shutdown waits for it. */
    private final SessionEndings endings = new SessionEndings();
    private volatile boolean shuttingDown;
    /** Holds sessions of connections that need a review (docs/reviews.md); set once, at wiring. */
    private volatile ReviewGate reviews = ReviewGate.NONE;
    /** Where sessions and their traffic are counted (/metrics); set once, at wiring. */
    private volatile SessionMetrics metrics = SessionMetrics.detached();
    private final KeepAlives keepAlives;

    /** @param revocations what ends open sessions of users who lose their right to them (see {@link SessionRevoker}) */
    public SessionBroker(AgentDirectory agents, ConnectionCatalog catalog, SessionLedger ledger, AuditLog audit, Revocations revocations) {
        this(agents, catalog, ledger, audit, StatementExtractor.DEFAULT_RECORDED_BYTES, revocations);
    }

    /** @param auditStatementBytes bytes of each PostgreSQL statement the audit keeps (PLUGIN_AUDIT_STATEMENT_BYTES) */
    public SessionBroker(AgentDirectory agents, ConnectionCatalog catalog, SessionLedger ledger, AuditLog audit, int auditStatementBytes,
                         Revocations revocations) {
        this(agents, catalog, ledger, audit, (type, verb) -> auditorFor(type, verb, auditStatementBytes), Wire.KEEP_ALIVE_INTERVAL,
                revocations);
    }

    SessionBroker(AgentDirectory agents, ConnectionCatalog catalog, SessionLedger ledger, AuditLog audit,
                  BiFunction<ConnectionType, Verb, InputAuditor> auditors, java.time.Duration keepAliveEvery) {
        this(agents, catalog, ledger, audit, auditors, keepAliveEvery, new Revocations());
    }

    SessionBroker(AgentDirectory agents, ConnectionCatalog catalog, SessionLedger ledger, AuditLog audit,
                  BiFunction<ConnectionType, Verb, InputAuditor> auditors, java.time.Duration keepAliveEvery,
                  Revocations revocations) {
        this.revoker = new SessionRevoker(agents, catalog, revocations::isRevoked);
        revocations.listen(revoker);
        this.agents = agents;
        this.agentStreams = new AgentStreams(agents);
        this.catalog = catalog;
        this.ledger = ledger;
        this.audit = audit;
        this.auditors = auditors;
        this.keepAlives = new KeepAlives(agents, keepAliveEvery);
    }

    static final String SHUTTING_DOWN = "the gateway is shutting down; the session is closed (reconnect in a moment)";

    /**
     * Shutdown, first step: refuses new sessions, ends the open ones (client and agent are told
     * why, the reason is their recorded end) and waits until their ends and audit files are
     * recorded, so that the database can close after it.
     *
     * @return how many sessions were still recording their end when {@code wait} ran out
     */
    public int endAll(java.time.Duration wait) {
        shuttingDown = true;
        int open = 0;
        for (AgentLink link : agents.links()) {
            for (ClientSession session : link.sessions()) {
                session.revoke(SHUTTING_DOWN);
                open++;
            }
        }
        if (open > 0) {
            log.info("shutdown: ended {} open session(s); recording their ends", open);
        }
        return endings.awaitAll(wait);
    }

    /** Stops the keep-alive ticker (streams end with the gRPC server). */
    @Override
    public void close() {
        keepAlives.close();
    }

    /** PostgreSQL wire parsing for a postgres connect session; exec input and keystrokes as they are otherwise. */
    static InputAuditor auditorFor(ConnectionType type, Verb verb) {
        return auditorFor(type, verb, StatementExtractor.DEFAULT_RECORDED_BYTES);
    }

    static InputAuditor auditorFor(ConnectionType type, Verb verb, int auditStatementBytes) {
        if (type == ConnectionType.HTTP && verb == Verb.CONNECT) {
            return new HttpInputAuditor(); // request lines, not bodies
        }
        return type == ConnectionType.POSTGRES && verb == Verb.CONNECT
                ? new PostgresInputAuditor(auditStatementBytes) : new RawInputAuditor();
    }

    public AgentDirectory agents() {
        return agents;
    }

    /** Wiring, before serving: the gate that decides which sessions wait for a review. */
    public SessionBroker withReviews(ReviewGate gate) {
        this.reviews = java.util.Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** Wiring, before serving: where sessions and the packets they relay are counted. */
    public SessionBroker withMetrics(SessionMetrics sessionMetrics) {
        this.metrics = java.util.Objects.requireNonNull(sessionMetrics, "sessionMetrics");
        return this;
    }

    /**
     * An authenticated agent opened its stream.
     *
     * @return the observer of the packets the agent sends
     * @throws StatusException FAILED_PRECONDITION when the agent already has a stream
     */
    public StreamObserver<Packet> agentStream(AgentIdentity agent, ServerCallStreamObserver<Packet> toAgent) throws StatusException {
        return agentStreams.open(agent, toAgent);
    }

    /**
     * Cuts these agents' streams off now (a client key disabled, rotated or deleted): each agent gets
     * PERMISSION_DENIED with {@code reason}, and the sessions it served end with it.
     *
     * @return how many of them were connected
     */
    public int disconnectAgents(java.util.Collection<UUID> agentIds, String reason) {
        return agentStreams.disconnect(agentIds, reason);
    }

    /**
     * An authenticated client opened a session stream for {@code connectionName}.
     *
     * @param verbName the {@code verb} metadata: connect or exec
     * @param setUp    run once the session is open (see {@link StreamRouter})
     * @throws StatusException INVALID_ARGUMENT for an unknown verb or one the connection's type does
     *                         not support; NOT_FOUND when the user has no such connection
     */
    public StreamObserver<Packet> clientStream(SessionUser user, String verbName, String connectionName,
                                               ServerCallStreamObserver<Packet> toClient, Runnable setUp) throws StatusException {
        // checked before anything is looked up or recorded: the sessions table only takes known verbs
        Verb verb = Verb.find(verbName).orElseThrow(() -> Status.INVALID_ARGUMENT.withDescription(Verb.unknown(verbName)).asException());
        if (connectionName == null || connectionName.isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("missing connection-name").asException();
        }
        if (shuttingDown) {
            throw Status.UNAVAILABLE.withDescription("the gateway is shutting down; try again in a moment").asException();
        }
        long changesAtResolve = revoker.changeCount();
        ResolvedConnection connection = catalog.resolve(user, connectionName)
                .orElseThrow(() -> Status.NOT_FOUND.withDescription("connection '" + connectionName + "' not found").asException());
        ConnectionType type = ConnectionType.find(connection.type()).orElseThrow(() -> Status.FAILED_PRECONDITION
                .withDescription("connection '" + connectionName + "': " + ConnectionType.unknown(connection.type())).asException());
        Optional<String> verbRefused = type.verbRefusal(verb);
        if (verbRefused.isPresent()) {
            throw Status.INVALID_ARGUMENT.withDescription("connection '" + connectionName + "': " + verbRefused.get()).asException();
        }
        OutboundStream out = new OutboundStream(toClient);
        InboundCredit credit = InboundWindow.open(toClient);
        return new StreamObserver<>() {
            private ClientSession session;
            /** Set while the session waits for a review. */
            private ReviewGate.Held held;

            @Override
            public void onNext(Packet packet) {
                boolean handedOver = false;
                try {
                    handedOver = handle(packet);
                } finally {
                    if (!handedOver) {
                        InboundWindow.giveBack(credit, session == null ? null : session.agentStream());
                    }
                }
            }

            /** @return whether the session took the packet (and with it the duty to give its credit back) */
            private boolean handle(Packet packet) {
                if (packet.getType().equals(GatewayPacket.KEEP_ALIVE)) {
                    return false; // the transport's own packet: consumed here, never forwarded
                }
                if (session != null) {
                    ClientSession s = session;
                    s.fromClient(packet, () -> InboundWindow.giveBack(credit, s.agentStream()));
                    return true;
                } else if (packet.getType().equals(AgentPacket.SESSION_OPEN)) {
                    admit(packet);
                } else if (held != null) {
                    return false; // input sent while waiting for approval: the approved open carries the stored script
                } else {
                    out.fail(Status.INVALID_ARGUMENT.withDescription("packet type '" + packet.getType() + "' before "
                            + AgentPacket.SESSION_OPEN + ": a session starts with " + AgentPacket.SESSION_OPEN));
                }
                return false;
            }

            /** Still on the set-up thread: the gate may read the store. */
            private void admit(Packet packet) {
                stopWaiting();
                HeldOpen waiter = new HeldOpen(out);
                switch (reviews.admit(new ReviewGate.Request(user, connection.id(), connection.name(), verb, packet), waiter)) {
                    case ReviewGate.Pass pass -> {
                        session = open(user, verb, type, connection, out, pass.open(), changesAtResolve);
                        pass.opened().accept(session == null ? null : session.id());
                        if (session != null) {
                            setUp.run();
                        }
                    }
                    case ReviewGate.Held h -> {
                        held = h;
                        waiter.waiting(h);
                    }
                    case ReviewGate.Refused r -> out.fail(Status.fromCode(r.code()).withDescription(r.reason()));
                }
            }

            private void stopWaiting() {
                if (held != null) {
                    held.cancel().run();
                    held = null;
                }
            }

            @Override
            public void onError(Throwable t) {
                stopWaiting();
                if (session != null) {
                    session.clientGone();
                }
            }

            @Override
            public void onCompleted() {
                stopWaiting();
                if (session != null) {
                    session.clientGone();
                } else {
                    out.complete();
                }
            }
        };
    }

    private ClientSession open(SessionUser user, Verb verb, ConnectionType type, ResolvedConnection connection,
                               OutboundStream toClient, Packet openPacket, long changesAtResolve) {
        Optional<AgentLink> agent = agents.link(connection.agentId()).filter(l -> !l.outbound().isClosed());
        if (agent.isEmpty()) {
            String message = "agent '" + connection.agentName() + "' of connection '" + connection.name() + "' is offline";
            toClient.send(Wire.packet(ClientPacket.SESSION_OPEN_AGENT_OFFLINE, Map.of(), message.getBytes(StandardCharsets.UTF_8)));
            toClient.complete();
            return null;
        }
        UUID id = UUID.randomUUID();
        SessionRecording recording;
        try {
            ledger.opened(new SessionLedger.Opened(id, user, connection, verb.wireName(), Instant.now()));
        } catch (RuntimeException e) {
            log.error("session for {} on '{}' refused: it could not be recorded", user.email(), connection.name(), e);
            toClient.fail(Status.UNAVAILABLE.withDescription("the gateway cannot record sessions right now (storage unavailable); try again shortly"));
            return null;
        }
        try {
            recording = audit.start(id);
        } catch (RuntimeException e) {
            log.error("session {} refused: its audit file could not be created", id, e);
            ledger.closed(id, null, "the audit log could not be written", Instant.now());
            toClient.fail(Status.UNAVAILABLE.withDescription("the gateway cannot record sessions right now (audit log unavailable); try again shortly"));
            return null;
        }
        ClientSession session = new ClientSession(id, user, connection, type, verb, agent.get(), toClient, recording, ledger,
                auditors.apply(type, verb), endings, metrics.opened(type, verb));
        agent.get().attach(session);
        log.info("session {} opened: user {} {} '{}' ({}) on agent '{}'", id, user.email(), verb.wireName(), connection.name(), connection.type(), connection.agentName());
        session.open(openPacket);
        revoker.admitted(session, changesAtResolve);
        return session;
    }
}