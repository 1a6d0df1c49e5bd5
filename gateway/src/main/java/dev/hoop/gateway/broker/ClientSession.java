package dev.hoop.gateway.broker;

import static dev.hoop.common.wire.SpecKey.AGENT_CONNECTION_PARAMS;
import static dev.hoop.common.wire.SpecKey.CLIENT_EXIT_CODE;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_NAME;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_TYPE;
import static dev.hoop.common.wire.SpecKey.GATEWAY_SESSION_ID;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: a client stream joined to its connection's agent stream. Client packets are
 * checked against what a client may send, stamped with the session id (never trusted from the
 * client) and recorded; agent packets are recorded and passed on. Either side ending ends the
 * other with the reason.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    /** What a client may send once the session is open; anything else ends the session. */
    private static final Set<String> FROM_CLIENT = Set.of(
            AgentPacket.EXEC_WRITE_STDIN, AgentPacket.TERMINAL_WRITE_STDIN, AgentPacket.TERMINAL_RESIZE_TTY,
            AgentPacket.TCP_CONNECTION_WRITE, AgentPacket.PG_CONNECTION_WRITE, AgentPacket.CLOSE_TCP_CONNECTION,
            AgentPacket.HTTP_PROXY_CONNECTION_WRITE, AgentPacket.SESSION_CLOSE);

    private final UUID id;
    private final SessionUser user;
    private final ResolvedConnection connection;
    private final AgentLink agent;
    private final OutboundStream toClient;
    private final SessionRecording recording;
    private final SessionLedger ledger;
    private final InputAuditor inputAuditor;
    private final Executor endings;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The id as stamped on every forwarded packet, encoded once. */
    private final ByteString idBytes;

    ClientSession(UUID id, SessionUser user, ResolvedConnection connection, AgentLink agent, OutboundStream toClient,
                  SessionRecording recording, SessionLedger ledger, InputAuditor inputAuditor, Executor endings) {
        this.id = id;
        this.user = user;
        this.connection = connection;
        this.agent = agent;
        this.toClient = toClient;
        this.recording = recording;
        this.ledger = ledger;
        this.inputAuditor = inputAuditor;
        this.endings = endings;
        this.idBytes = ByteString.copyFromUtf8(id.toString());
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

    /** Where the agent's packets for this session go. */
    OutboundStream clientStream() {
        return toClient;
    }

    /** Where the client's packets go. */
    OutboundStream agentStream() {
        return agent.outbound();
    }

    /** Forwards the client's AgentSessionOpen with the gateway's spec and the connection's params. */
    void open(Packet clientOpen) {
        Packet.Builder open = Packet.newBuilder().setType(AgentPacket.SESSION_OPEN).setPayload(clientOpen.getPayload());
        clientOpen.getSpecMap().forEach((key, value) -> {
            if (!key.startsWith("gateway.") && !key.equals(AGENT_CONNECTION_PARAMS)) {
                open.putSpec(key, value);
            }
        });
        open.putSpec(GATEWAY_SESSION_ID, ByteString.copyFromUtf8(id.toString()))
                .putSpec(GATEWAY_CONNECTION_NAME, ByteString.copyFromUtf8(connection.name()))
                .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(connection.type()))
                .putSpec(AGENT_CONNECTION_PARAMS, ByteString.copyFrom(connection.params().toJson()));
        if (!record(() -> inputAuditor.opened(recording, clientOpen))) {
            return;
        }
        if (!agent.send(open.build())) {
            agentGone("agent '" + agent.identity().name() + "' disconnected before the session opened");
        }
    }

    void fromClient(Packet packet) {
        if (!FROM_CLIENT.contains(packet.getType())) {
            failToClient("packet type '" + packet.getType() + "' is not allowed from a client");
            agent.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null));
            return;
        }
        if (!record(() -> inputAuditor.fromClient(recording, packet))) {
            return;
        }
        Packet stamped = packet.toBuilder().putSpec(GATEWAY_SESSION_ID, idBytes).build();
        if (!agent.send(stamped)) {
            agentGone("agent '" + agent.identity().name() + "' disconnected");
            return;
        }
        if (packet.getType().equals(AgentPacket.SESSION_CLOSE)) {
            end(null, null);
        }
    }

    void fromAgent(Packet packet) {
        switch (packet.getType()) {
            case ClientPacket.WRITE_STDOUT -> { if (!record(() -> recording.output(packet.getPayload().toByteArray()))) return; }
            case ClientPacket.WRITE_STDERR -> { if (!record(() -> recording.error(packet.getPayload().toByteArray()))) return; }
            default -> { }
        }
        Packet forward = packet;
        if (packet.getType().equals(ClientPacket.SESSION_OPEN_OK)) {
            // the client chooses its local listener by the connection's type
            forward = packet.toBuilder()
                    .putSpec(GATEWAY_SESSION_ID, ByteString.copyFromUtf8(id.toString()))
                    .putSpec(GATEWAY_CONNECTION_NAME, ByteString.copyFromUtf8(connection.name()))
                    .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(connection.type()))
                    .build();
        }
        boolean delivered = toClient.send(forward);
        if (packet.getType().equals(ClientPacket.SESSION_CLOSE)) {
            String exit = Wire.spec(packet, CLIENT_EXIT_CODE);
            String error = packet.getPayload().isEmpty() ? null : packet.getPayload().toStringUtf8();
            if (error != null) {
                record(() -> recording.error(packet.getPayload().toByteArray()));
            }
            end(parseExitCode(exit), exit == null || "0".equals(exit) ? null : error);
        } else if (!delivered) {
            clientGone();
        }
    }

    void keepAlive(Packet ping) {
        toClient.offer(ping);
    }

    /** The client's stream ended: tell the agent to free the session. */
    void clientGone() {
        if (!ended.get()) {
            agent.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null));
            end(null, null);
        }
    }

    /**
     * The user lost the right to this session (see {@link SessionRevoker}): the agent frees it, the
     * client is told why, and the reason is the session's recorded end. Any thread.
     */
    void revoke(String reason) {
        if (!ended.get()) {
            agent.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null));
            failToClient(reason);
        }
    }

    /** The agent's stream ended: tell the client why. */
    void agentGone(String reason) {
        failToClient(reason);
    }

    private void failToClient(String reason) {
        if (ended.get()) {
            return;
        }
        toClient.send(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()),
                reason.getBytes(StandardCharsets.UTF_8)));
        record(() -> recording.error(reason.getBytes(StandardCharsets.UTF_8)));
        end(null, reason);
    }

    /** Runs an audit write; a failure ends the session, since unrecorded traffic must not pass. */
    private boolean record(Runnable write) {
        try {
            write.run();
            return true;
        } catch (RuntimeException e) {
            log.error("session {}: audit write failed, ending the session", id, e);
            String reason = "the gateway cannot record this session (audit log unavailable); try again later";
            toClient.send(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()),
                    reason.getBytes(StandardCharsets.UTF_8)));
            agent.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null));
            end(null, reason);
            return false;
        }
    }

    /**
     * Ends the session once. Recording the end blocks (the audit flush, the session's row), so it
     * runs off the event loop; the client's stream completes after it, so that a client that saw
     * its session end finds it recorded.
     */
    private void end(Integer exitCode, String error) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        agent.detach(id);
        Instant endedAt = Instant.now();
        endings.execute(() -> {
            try {
                inputAuditor.closed(recording);
                recording.finish();
                ledger.closed(id, exitCode, error, endedAt);
            } catch (RuntimeException e) {
                log.error("session {}: could not record its end (exit code {}, error {})", id, exitCode, error, e);
            } finally {
                toClient.complete();
            }
        });
    }

    private static Integer parseExitCode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
