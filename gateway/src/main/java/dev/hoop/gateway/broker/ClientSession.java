package dev.hoop.gateway.broker;

import static dev.hoop.common.wire.SpecKey.CLIENT_EXIT_CODE;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.gateway.metrics.SessionMetrics;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: a client stream joined to its connection's agent stream. Client packets are
 * checked against the allow-list of the session's (connection type, verb) ({@link ConnectionType}),
 * recorded, stripped of the keys only the gateway sets ({@code gateway.*},
 * {@code agent.connection_params}) and stamped with the session id; agent packets are recorded and
 * passed on. A refused packet ends the session: recorded in its audit, INVALID_ARGUMENT to the
 * client, AgentSessionClose to the agent. Either side ending ends the other with the reason.
 *
 * <p>Recorded first: a packet is forwarded only once the audit events it caused are written, in
 * arrival order per direction ({@link RecordedFirst}); the write happens off the event loop, and
 * a failed write ends the session. {@code handled} callbacks run once a packet was forwarded or
 * dropped: that is when the broker gives its inbound credit back.
 *
 * <p>What the packets hold is {@link SessionPackets}; the agent's redaction counts are {@link RedactionCounts}.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private static final CompletableFuture<Void> NOTHING_TO_WRITE = CompletableFuture.completedFuture(null);

    private final UUID id;
    private final SessionUser user;
    private final ResolvedConnection connection;
    private final ConnectionType type;
    private final Verb verb;
    private final AgentLink agent;
    private final OutboundStream toClient;
    private final SessionRecording recording;
    private final SessionLedger ledger;
    private final InputAuditor inputAuditor;
    private final Executor endings;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The agent's latest redaction counts (redact.summary), stored while the session runs and when it ends. */
    private final RedactionCounts redactions;
    /** Set when an audit write failed: nothing more is forwarded, in either direction. */
    private volatile boolean unrecorded;
    private final RecordedFirst toAgentInOrder = new RecordedFirst();
    private final RecordedFirst toClientInOrder = new RecordedFirst();
    /** The id as stamped on every forwarded packet, encoded once. */
    private final ByteString idBytes;
    /** This session's counters, resolved at open: counting a packet is two adder increments. */
    private final SessionMetrics.Relay relay;

    ClientSession(UUID id, SessionUser user, ResolvedConnection connection, ConnectionType type, Verb verb, AgentLink agent,
                  OutboundStream toClient,
                  SessionRecording recording, SessionLedger ledger, InputAuditor inputAuditor, Executor endings,
                  SessionMetrics.Relay relay) {
        this.id = id;
        this.relay = relay;
        this.user = user;
        this.connection = connection;
        this.type = type;
        this.verb = verb;
        this.agent = agent;
        this.toClient = toClient;
        this.recording = recording;
        this.ledger = ledger;
        this.inputAuditor = inputAuditor;
        this.endings = endings;
        this.idBytes = ByteString.copyFromUtf8(id.toString());
        this.redactions = new RedactionCounts(id, ledger, endings);
    }

    UUID id() {
        return id;
    }

    SessionUser user() {
        return user;
    }

    ResolvedConnection connection() {
        return connection;
    }

    Verb verb() {
        return verb;
    }

    /** Where the agent's packets for this session go. */
    OutboundStream clientStream() {
        return toClient;
    }

    /** Where the client's packets go. */
    OutboundStream agentStream() {
        return agent.outbound();
    }

    /**
     * Forwards the client's AgentSessionOpen with the gateway's spec and the connection's params;
     * refuses an open with input on a session whose verb takes none.
     */
    void open(Packet clientOpen) {
        Optional<String> refused = type.openRefusal(verb, clientOpen.getPayload().size());
        if (refused.isPresent()) {
            refuse(refused.get(), false);
            return;
        }
        Packet built = SessionPackets.agentOpen(clientOpen, id, connection, type, verb);
        CompletableFuture<Void> before = recording.written();
        if (!record(() -> inputAuditor.opened(recording, clientOpen))) {
            return;
        }
        toAgentInOrder.add(writtenSince(before), failed -> {
            if (recorded(failed) && !agent.send(built)) {
                agentGone("agent '" + agent.identity().name() + "' disconnected before the session opened");
            }
        });
    }

    /** @param handled runs once the packet was forwarded or dropped */
    void fromClient(Packet packet, Runnable handled) {
        if (ended.get()) {
            handled.run();
            return; // after AgentSessionClose or a refusal: nothing more reaches the agent
        }
        Optional<String> refused = type.refusal(verb, packet.getType());
        if (refused.isPresent()) {
            refuse(refused.get(), true);
            handled.run();
            return;
        }
        CompletableFuture<Void> before = recording.written();
        if (!record(() -> inputAuditor.fromClient(recording, packet))) {
            handled.run();
            return;
        }
        Packet stamped = SessionPackets.stampedForAgent(packet, idBytes);
        hold(toAgentInOrder, before, () -> forwardToAgent(stamped), handled);
    }

    private void forwardToAgent(Packet stamped) {
        if (!agent.send(stamped)) {
            agentGone("agent '" + agent.identity().name() + "' disconnected");
            return;
        }
        relay.toAgent(stamped.getPayload().size());
        if (stamped.getType().equals(AgentPacket.SESSION_CLOSE)) {
            end(null, null);
        }
    }

    /** @param handled runs once the packet was forwarded or dropped */
    void fromAgent(Packet packet, Runnable handled) {
        String summary = Wire.spec(packet, SpecKey.REDACT_SUMMARY);
        if (summary != null) {
            redactions.reported(summary);
        }
        CompletableFuture<Void> before = recording.written();
        boolean ok = switch (packet.getType()) {
            case ClientPacket.WRITE_STDOUT -> record(() -> recording.output(packet.getPayload().toByteArray()));
            case ClientPacket.WRITE_STDERR -> record(() -> recording.error(packet.getPayload().toByteArray()));
            case ClientPacket.PG_CONNECTION_WRITE -> record(() -> inputAuditor.fromAgent(recording, packet));
            default -> true;
        };
        if (!ok) {
            handled.run();
            return;
        }
        hold(toClientInOrder, before, () -> forwardToClient(packet), handled);
    }

    /**
     * Forwards a packet once the events appended since {@code before} are written (in its
     * direction's order); then, or when it is dropped, runs {@code handled}.
     */
    private void hold(RecordedFirst direction, CompletableFuture<Void> before, Runnable forward, Runnable handled) {
        direction.add(writtenSince(before), failed -> {
            try {
                if (recorded(failed)) {
                    forward.run();
                }
            } finally {
                handled.run();
            }
        });
    }

    private void forwardToClient(Packet packet) {
        Packet forward = packet.getType().equals(ClientPacket.SESSION_OPEN_OK)
                ? SessionPackets.openOkForClient(packet, id, connection, type) : packet;
        boolean delivered = toClient.send(forward);
        if (delivered) {
            relay.toClient(packet.getPayload().size());
        }
        if (packet.getType().equals(ClientPacket.SESSION_CLOSE)) {
            String exit = Wire.spec(packet, CLIENT_EXIT_CODE);
            String error = packet.getPayload().isEmpty() ? null : packet.getPayload().toStringUtf8();
            if (error != null) {
                record(() -> recording.error(packet.getPayload().toByteArray()));
            }
            end(SessionPackets.exitCode(exit), exit == null || "0".equals(exit) ? null : error);
        } else if (!delivered) {
            clientGone();
        }
    }

    void keepAlive(Packet ping) {
        toClient.offer(ping);
    }

    /** The client's stream ended: tell the agent to free the session, after what the client sent before. */
    void clientGone() {
        toAgentInOrder.add(NOTHING_TO_WRITE, ignored -> freeAgentSide());
    }

    private void freeAgentSide() {
        if (!ended.get()) {
            agent.send(SessionPackets.agentClose(id));
            end(null, null);
        }
    }

    /**
     * The user lost the right to this session (see {@link SessionRevoker}): the agent frees it, the
     * client is told why, and the reason is the session's recorded end. Any thread.
     */
    void revoke(String reason) {
        if (!ended.get()) {
            agent.send(SessionPackets.agentClose(id));
            failToClient(reason);
        }
    }

    /** The agent's stream ended: tell the client why, after what the agent sent before. */
    void agentGone(String reason) {
        toClientInOrder.add(NOTHING_TO_WRITE, ignored -> failToClient(reason));
    }

    private void failToClient(String reason) {
        if (ended.get()) {
            return;
        }
        toClient.send(SessionPackets.clientClose(id, reason));
        record(() -> recording.error(reason.getBytes(StandardCharsets.UTF_8)));
        end(null, reason);
    }

    /** The audit events appended since {@code before}, or nothing to wait for when there were none. */
    private CompletableFuture<Void> writtenSince(CompletableFuture<Void> before) {
        CompletableFuture<Void> now = recording.written();
        return now == before ? NOTHING_TO_WRITE : now;
    }

    /** Whether a held packet may go: its events are written and no write of this session failed. */
    private boolean recorded(Throwable failedWrite) {
        if (failedWrite != null) {
            unrecorded(failedWrite);
        }
        return !unrecorded;
    }

    /**
     * Ends the session for a packet the client may not send: the reason goes into the audit and
     * the session's row, the client gets INVALID_ARGUMENT with it, the agent (when it knows the
     * session) an AgentSessionClose.
     */
    private void refuse(String reason, boolean agentKnows) {
        if (ended.get()) {
            return;
        }
        log.warn("session {}: refused: {}", id, reason);
        if (!record(() -> recording.error(reason.getBytes(StandardCharsets.UTF_8)))) {
            return;
        }
        if (agentKnows) {
            agent.send(SessionPackets.agentClose(id));
        }
        end(null, reason, Status.INVALID_ARGUMENT.withDescription(reason));
    }

    /** Queues an audit write; a failure to queue it ends the session, since unrecorded traffic must not pass. */
    private boolean record(Runnable write) {
        if (unrecorded) {
            return false;
        }
        try {
            write.run();
            return true;
        } catch (RuntimeException e) {
            unrecorded(e);
            return false;
        }
    }

    /** An audit write failed: the session ends on both sides, and nothing more is forwarded. */
    private void unrecorded(Throwable e) {
        synchronized (this) {
            if (unrecorded) {
                return;
            }
            unrecorded = true;
        }
        log.error("session {}: audit write failed, ending the session", id, e);
        String reason = "the gateway cannot record this session (audit log unavailable); try again later";
        toClient.send(SessionPackets.clientClose(id, reason));
        agent.send(SessionPackets.agentClose(id));
        end(null, reason);
    }

    /**
     * Ends the session once. Recording the end blocks (the audit flush, the session's row), so it
     * runs off the event loop; the client's stream completes after it, so that a client that saw
     * its session end finds it recorded.
     */
    private void end(Integer exitCode, String error) {
        end(exitCode, error, null);
    }

    /** @param status how the client's stream ends; null: normally */
    private void end(Integer exitCode, String error, Status status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        relay.closed();
        agent.detach(id);
        Instant endedAt = Instant.now();
        endings.execute(() -> {
            try {
                inputAuditor.closed(recording);
                recording.finish();
                redactions.store();
                ledger.closed(id, exitCode, error, endedAt);
            } catch (RuntimeException e) {
                log.error("session {}: could not record its end (exit code {}, error {})", id, exitCode, error, e);
            } finally {
                if (status == null) {
                    toClient.complete();
                } else {
                    toClient.fail(status);
                }
            }
        });
    }
}
