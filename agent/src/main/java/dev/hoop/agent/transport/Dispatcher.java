package dev.hoop.agent.transport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.Commands;
import dev.hoop.agent.http.HttpHandlers;
import dev.hoop.agent.tcp.TcpAddress;
import dev.hoop.agent.terminal.TtySize;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the packets of one gateway stream to sessions: {@code AgentSessionOpen} creates a
 * session, data packets go by ({@code gateway.session_id}, {@code client.connection_id}) to the
 * handlers the session opened, {@code AgentSessionClose} frees the session. Each returned stage
 * completes when the packet was handled; the stream asks for the next packet only then.
 *
 * <p>The gateway checks every client packet against the allow-list of the session's (connection
 * type, verb); this agent checks it again (defence in depth, {@link ConnectionType#refusal}): a
 * packet outside it ends the session with the reason, and nothing of it reaches the resource.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int REACH_TIMEOUT_MILLIS = 5_000;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final HandlerRegistry registry;
    private final Outbound out;
    private final Map<String, String> agentEnv;
    private final dev.hoop.agent.dlp.MaskingProvider masking;
    private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();
    private final AgentMetrics metrics;

    Dispatcher(HandlerRegistry registry, Outbound out, Map<String, String> agentEnv, dev.hoop.agent.dlp.MaskingProvider masking,
               AgentMetrics metrics) {
        this.masking = masking;
        this.metrics = metrics;
        this.registry = registry;
        this.out = out;
        this.agentEnv = Map.copyOf(agentEnv);
    }

    /** Never throws: a bad packet ends its own session with the reason. */
    CompletionStage<Void> dispatch(Packet p) {
        String sessionId = Wire.spec(p, SpecKey.GATEWAY_SESSION_ID);
        if (sessionId == null || sessionId.isEmpty()) {
            log.warn("dropping {}: no {} (the gateway must stamp every session packet)", p.getType(), SpecKey.GATEWAY_SESSION_ID);
            return DONE;
        }
        try {
            return route(p, sessionId);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                log.warn("session {}: {} refused: {}", sessionId, p.getType(), e.getMessage());
            } else {
                log.error("session {}: {} failed", sessionId, p.getType(), e);
            }
            AgentSession s = sessions.get(sessionId);
            if (s != null) {
                s.end(null, failed(p.getType()) + e.getMessage());
            } else {
                out.send(Replies.sessionClose(sessionId, null, failed(p.getType()) + e.getMessage()));
            }
            return DONE;
        }
    }

    private CompletionStage<Void> route(Packet p, String sessionId) {
        String type = p.getType();
        if (type.equals(AgentPacket.SESSION_OPEN)) {
            open(p, sessionId);
            return DONE;
        }
        AgentSession session = sessions.get(sessionId);
        if (session == null) {
            if (!type.equals(AgentPacket.SESSION_CLOSE) && !type.equals(AgentPacket.CLOSE_TCP_CONNECTION)) {
                out.send(Replies.sessionClose(sessionId, null, "session " + sessionId + " is not open on this agent (it ended, or the agent restarted)"));
            }
            return DONE;
        }
        Optional<String> refused = session.type.refusal(session.verb, type);
        if (refused.isPresent()) {
            log.warn("session {}: refused: {}", sessionId, refused.get());
            session.end(null, refused.get());
            return DONE;
        }
        byte[] payload = p.getPayload().toByteArray();
        switch (type) {
            case AgentPacket.SESSION_CLOSE -> {
                session.close("closed by the gateway" + (payload.length == 0 ? "" : ": " + p.getPayload().toStringUtf8()));
                return DONE;
            }
            case AgentPacket.EXEC_WRITE_STDIN -> {
                return session.commandStep(failed(type), () -> {
                    session.startExec(Commands.forExec(session.params, args(p), agentEnv), payload);
                    return DONE;
                });
            }
            case AgentPacket.TERMINAL_WRITE_STDIN -> {
                return session.commandStep(failed(type), () -> {
                    session.startTerminal(() -> command(session, p), TtySize.DEFAULT);
                    return session.terminalInput(payload);
                });
            }
            case AgentPacket.TERMINAL_RESIZE_TTY -> {
                TtySize size = TtySize.parse(payload);
                return session.commandStep(failed(type), () -> {
                    if (!session.hasTerminal()) {
                        session.startTerminal(() -> command(session, p), size);
                    } else {
                        session.resize(size);
                    }
                    return DONE;
                });
            }
            case AgentPacket.CLOSE_TCP_CONNECTION -> {
                session.closeConnection(connectionId(p));
                return DONE;
            }
            default -> {
                // the allow-list let through only the session's own write type
                ConnectionKind kind = session.kind().filter(k -> k.inboundWrite().equals(type)).orElseThrow(() ->
                        new IllegalArgumentException(type + " does not fit a " + session.type + " connection"));
                return session.connectionWrite(kind, connectionId(p), payload);
            }
        }
    }

    private void open(Packet p, String sessionId) {
        String rawParams = Wire.spec(p, SpecKey.AGENT_CONNECTION_PARAMS);
        if (rawParams == null) {
            throw new IllegalArgumentException("no " + SpecKey.AGENT_CONNECTION_PARAMS);
        }
        ConnectionParams params = ConnectionParams.fromJson(p.getSpecMap().get(SpecKey.AGENT_CONNECTION_PARAMS).toByteArray());
        String typeName = firstNonBlank(Wire.spec(p, SpecKey.GATEWAY_CONNECTION_TYPE), params.type());
        String name = firstNonBlank(Wire.spec(p, SpecKey.GATEWAY_CONNECTION_NAME), params.name());
        ConnectionType type = ConnectionType.find(typeName).orElseThrow(() -> new IllegalArgumentException(ConnectionType.unknown(typeName)));
        String verbName = Wire.spec(p, SpecKey.GATEWAY_VERB);
        Verb verb = Verb.find(verbName).orElseThrow(() -> new IllegalArgumentException(SpecKey.GATEWAY_VERB + ": " + Verb.unknown(verbName)));
        type.verbRefusal(verb).ifPresent(refusal -> {
            throw new IllegalArgumentException(refusal);
        });
        type.openRefusal(verb, p.getPayload().size()).ifPresent(refusal -> {
            throw new IllegalArgumentException(refusal);
        });
        params = new ConnectionParams(name, type.wireName(), params.command(), params.envs(), params.guardrails());
        GuardrailRules.parse(params.guardrails()); // rules the agent cannot read refuse the session (fail closed)
        Optional<ConnectionKind> kind = registry.forType(type);
        if (kind.isEmpty() && verb == Verb.CONNECT && type.inboundWrite().isPresent()) {
            throw new IllegalArgumentException("connection type '" + type + "' is not served by this agent");
        }
        if (sessions.containsKey(sessionId)) {
            log.warn("session {}: opened twice; keeping the first", sessionId);
            return;
        }
        // Fail closed: a masking configuration the agent cannot use refuses the session.
        dev.hoop.agent.dlp.SessionMasking masking = dev.hoop.agent.dlp.SessionMasking.of(
                Wire.spec(p, SpecKey.MASKING_CONFIG), Wire.spec(p, SpecKey.MASKING_HASH_KEY), this.masking);
        if (masking.enabled() && verb == Verb.CONNECT && type != ConnectionType.POSTGRES && type != ConnectionType.COMMAND_LINE) {
            throw new IllegalArgumentException("connection '" + name + "' has data masking configured, which " + type
                    + " connections do not support; the session was refused");
        }
        AgentSession session = new AgentSession(sessionId, params, type, verb, kind, out, () -> {
            sessions.remove(sessionId);
            metrics.redacted(masking.counts());
        }, masking);
        sessions.put(sessionId, session);
        metrics.sessionOpened(type, verb);
        byte[] input = p.getPayload().toByteArray();
        log.info("session {}: open, {} connection '{}' ({})", sessionId, verb, name, type);
        if (kind.isPresent()) {
            // docs/architecture.md#flows, connect: the agent checks the target is reachable before answering OK.
            TcpAddress address = type == ConnectionType.HTTP ? HttpHandlers.address(params) : TcpAddress.of(params);
            Thread.ofVirtual().name("reach-" + sessionId).start(() -> {
                if (reachable(session, address)) {
                    openOkThenExec(session, p, input);
                }
            });
        } else {
            openOkThenExec(session, p, input);
        }
    }

    /** Answers OK; a non-empty open payload is exec input (docs/architecture.md#flows, exec). */
    private void openOkThenExec(AgentSession session, Packet open, byte[] input) {
        out.send(openOk(session));
        if (input.length > 0) {
            session.commandStep("", () -> {
                session.startExec(Commands.forExec(session.params, args(open), agentEnv), input);
                return DONE;
            });
        }
    }

    private static String failed(String packetType) {
        return packetType + " failed on the agent: ";
    }

    private boolean reachable(AgentSession session, TcpAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.host(), address.port()), REACH_TIMEOUT_MILLIS);
        } catch (IOException e) {
            log.info("session {}: {} unreachable: {}", session.id, address, e.getMessage());
            session.end(null, "cannot reach " + address + " for connection '" + session.params.name() + "': " + e.getMessage());
            return false;
        }
        return true;
    }

    private static Packet openOk(AgentSession session) {
        return Replies.to(ClientPacket.SESSION_OPEN_OK, session.id)
                .putSpec(SpecKey.GATEWAY_CONNECTION_NAME, Replies.utf8(String.valueOf(session.params.name())))
                .putSpec(SpecKey.GATEWAY_CONNECTION_TYPE, Replies.utf8(String.valueOf(session.params.type())))
                .build();
    }

    private CommandSpec command(AgentSession session, Packet p) {
        return Commands.resolve(session.params, args(p), agentEnv);
    }

    /** {@code terminal.args}: the client's extra arguments, a JSON array of strings (package-private for SpecDecodingFuzzTest). */
    static List<String> args(Packet p) {
        String raw = Wire.spec(p, SpecKey.TERMINAL_ARGS);
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<String> args;
        try {
            args = JSON.readValue(raw, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed " + SpecKey.TERMINAL_ARGS + " (expected: a JSON array of strings)");
        }
        if (args == null || args.contains(null)) { // JSON null, or a null element (fuzz finding: an NPE later)
            throw new IllegalArgumentException("malformed " + SpecKey.TERMINAL_ARGS + " (expected: a JSON array of strings)");
        }
        return args;
    }

    private static String connectionId(Packet p) {
        String id = Wire.spec(p, SpecKey.CLIENT_CONNECTION_ID);
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("no " + SpecKey.CLIENT_CONNECTION_ID + " on " + p.getType());
        }
        return id;
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    int openSessions() {
        return sessions.size();
    }

    /** The stream is gone: free every session (nobody can be told any more). */
    void closeAll(String reason) {
        for (AgentSession s : List.copyOf(sessions.values())) {
            s.close(reason);
        }
        sessions.clear();
    }
}
