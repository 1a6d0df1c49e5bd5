package dev.hoop.gateway.broker;

import static dev.hoop.common.wire.SpecKey.AGENT_CONNECTION_PARAMS;
import static dev.hoop.common.wire.SpecKey.CLIENT_EXIT_CODE;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_NAME;
import static dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_TYPE;
import static dev.hoop.common.wire.SpecKey.GATEWAY_SESSION_ID;
import static dev.hoop.common.wire.SpecKey.GATEWAY_VERB;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final UUID id;
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
    /** The id as stamped on every forwarded packet, encoded once. */
    private final ByteString idBytes;

    ClientSession(UUID id, ResolvedConnection connection, ConnectionType type, Verb verb, AgentLink agent, OutboundStream toClient,
                  SessionRecording recording, SessionLedger ledger, InputAuditor inputAuditor, Executor endings) {
        this.id = id;
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
    }

    UUID id() {
        return id;
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
        Packet.Builder open = Packet.newBuilder().setType(AgentPacket.SESSION_OPEN).setPayload(clientOpen.getPayload());
        clientOpen.getSpecMap().forEach((key, value) -> {
            if (!gatewayOnly(key)) {
                open.putSpec(key, value);
            }
        });
        open.putSpec(GATEWAY_SESSION_ID, ByteString.copyFromUtf8(id.toString()))
                .putSpec(GATEWAY_CONNECTION_NAME, ByteString.copyFromUtf8(connection.name()))
                .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(type.wireName()))
                .putSpec(GATEWAY_VERB, ByteString.copyFromUtf8(verb.wireName()))
                .putSpec(AGENT_CONNECTION_PARAMS, ByteString.copyFrom(connection.params().toJson()));
        if (!record(() -> inputAuditor.opened(recording, clientOpen))) {
            return;
        }
        if (!agent.send(open.build())) {
            agentGone("agent '" + agent.identity().name() + "' disconnected before the session opened");
        }
    }

    /** Spec keys only the gateway sets: a client's values never reach the agent. */
    private static boolean gatewayOnly(String key) {
        return key.startsWith("gateway.") || key.equals(AGENT_CONNECTION_PARAMS);
    }

    void fromClient(Packet packet) {
        if (ended.get()) {
            return; // after AgentSessionClose or a refusal: nothing more reaches the agent
        }
        Optional<String> refused = type.refusal(verb, packet.getType());
        if (refused.isPresent()) {
            refuse(refused.get(), true);
            return;
        }
        if (!record(() -> inputAuditor.fromClient(recording, packet))) {
            return;
        }
        Packet.Builder stamped = packet.toBuilder();
        for (String key : packet.getSpecMap().keySet()) {
            if (gatewayOnly(key)) {
                stamped.removeSpec(key);
            }
        }
        if (!agent.send(stamped.putSpec(GATEWAY_SESSION_ID, idBytes).build())) {
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
                    .putSpec(GATEWAY_CONNECTION_TYPE, ByteString.copyFromUtf8(type.wireName()))
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
            agent.send(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(GATEWAY_SESSION_ID, id.toString()), null));
        }
        end(null, reason, Status.INVALID_ARGUMENT.withDescription(reason));
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
        end(exitCode, error, null);
    }

    /** @param status how the client's stream ends; null: normally */
    private void end(Integer exitCode, String error, Status status) {
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
                if (status == null) {
                    toClient.complete();
                } else {
                    toClient.fail(status);
                }
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
