package dev.hoop.agent.transport;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.ExecHandle;
import dev.hoop.agent.exec.ExecPlan;
import dev.hoop.agent.exec.ExecRun;
import dev.hoop.agent.exec.MaskedOutput;
import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.agent.exec.SqlExecutor;
import dev.hoop.agent.guardrails.Block;
import dev.hoop.agent.guardrails.TerminalLineGuard;
import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.terminal.TerminalRun;
import dev.hoop.agent.terminal.TtySize;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.Verb;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one session owns on the agent: its client connections' handlers (by
 * {@code client.connection_id}) and the command it runs (exec or terminal). {@link #close} frees
 * all of it. Failures stay inside the session: a broken handler ends its own connection only.
 * What the connection's guardrails allow the command is {@link SessionGuardrails}' to say.
 */
final class AgentSession {
    private static final Logger log = LoggerFactory.getLogger(AgentSession.class);

    final String id;
    final ConnectionParams params;
    /** The session's type and verb: what the client may send in it ({@link ConnectionType#refusal}). */
    final ConnectionType type;
    final Verb verb;
    private final Optional<ConnectionKind> kind;
    private final Outbound out;
    private final Runnable onEnd;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    // Connections the resource side ended: late client bytes for them are dropped, not sent to a new
    // connection. Cleared when the client confirms the close (AgentCloseTCPConnection).
    private final Set<String> endedByResource = ConcurrentHashMap.newKeySet();
    private ExecHandle exec;
    private final SessionGuardrails guardrails;
    private TerminalRun terminal;
    private volatile boolean closed;
    /** The last step of this session's command work; the next one starts after it. */
    private CompletableFuture<Void> commandSteps = CompletableFuture.completedFuture(null);
    /** Where command work runs: starting a process blocks for milliseconds. */
    private static final Executor COMMAND_STEPS = task -> Thread.ofVirtual().name("command-step").start(task);

    /** The session's data masking (off unless the connection has it); counts go back on packets to the client. */
    private final SessionMasking masking;
    private volatile String lastSummary;

    AgentSession(String id, ConnectionParams params, ConnectionType type, Verb verb, Optional<ConnectionKind> kind,
                 Outbound out, Runnable onEnd) {
        this(id, params, type, verb, kind, out, onEnd, SessionMasking.OFF);
    }

    AgentSession(String id, ConnectionParams params, ConnectionType type, Verb verb, Optional<ConnectionKind> kind,
                 Outbound out, Runnable onEnd, SessionMasking masking) {
        this.masking = masking;
        this.id = id;
        this.params = params;
        this.guardrails = new SessionGuardrails(params.guardrails());
        this.type = type;
        this.verb = verb;
        this.kind = kind;
        this.out = out;
        this.onEnd = onEnd;
    }

    Optional<ConnectionKind> kind() {
        return kind;
    }

    /** Client bytes for connection {@code connectionId}; its handler is opened by the first packet. */
    CompletionStage<Void> connectionWrite(ConnectionKind kind, String connectionId, byte[] payload) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        if (endedByResource.contains(connectionId)) {
            return CompletableFuture.completedFuture(null);
        }
        Connection c = connections.get(connectionId);
        if (c == null) {
            c = new Connection(kind, connectionId);
            connections.put(connectionId, c);
            try {
                c.handler = kind.factory().open(params, c, masking);
            } catch (RuntimeException e) {
                log.info("session {}: opening {} connection {} failed: {}", id, kind.type(), connectionId, e.getMessage());
                c.close(e.getMessage() == null ? e.toString() : e.getMessage());
                return CompletableFuture.completedFuture(null);
            }
        }
        if (c.handler == null || payload.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        Connection conn = c;
        try {
            return conn.handler.write(payload).exceptionally(error -> {
                conn.close("writing to " + params.name() + " failed: " + error.getMessage());
                return null;
            });
        } catch (RuntimeException e) {
            conn.close("writing to " + params.name() + " failed: " + e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The client closed its socket. */
    void closeConnection(String connectionId) {
        endedByResource.remove(connectionId);
        Connection c = connections.remove(connectionId);
        if (c != null && c.handler != null) {
            c.handler.close();
        }
    }

    int connectionCount() {
        return connections.size();
    }

    /**
     * Runs one step of the session's command work (starting the command, its terminal input, a
     * resize) after the previous one, on a virtual thread: the event loop that calls this relays
     * every other session too, and must not wait for a process to start. A step that throws ends
     * the session with {@code failure} + its message.
     *
     * @return completes when the step did (the gateway stream's credit for the packet waits for it)
     */
    synchronized CompletionStage<Void> commandStep(String failure, Supplier<CompletionStage<Void>> step) {
        commandSteps = commandSteps.thenComposeAsync(previous -> {
            try {
                return step.get();
            } catch (RuntimeException e) {
                log.warn("session {}: {}{}", id, failure, e.getMessage());
                end(null, failure + e.getMessage());
                return CompletableFuture.completedFuture(null);
            }
        }, COMMAND_STEPS).exceptionally(error -> null);
        return commandSteps;
    }

    /** Runs the exec once with {@code input} (stdin, or the SQL script); later calls are ignored. */
    synchronized void startExec(ExecPlan plan, byte[] input) {
        if (closed || exec != null || terminal != null) {
            log.warn("session {}: a command already runs; ignoring more exec input ({} bytes)", id, input.length);
            return;
        }
        Block block = guardrails.execBlock(plan, input);
        if (block != null) {
            log.info("session {}: exec on connection '{}' {}", id, params.name(), block.describe());
            end(1, block.describe());
            return;
        }
        exec = switch (plan) {
            case CommandSpec command -> {
                log.info("session {}: exec {} for connection '{}'", id, command.program(), params.name());
                yield ExecRun.start(command, input, MaskedOutput.of(masking, new Output()));
            }
            case ExecPlan.Sql sql -> {
                if (!(kind.map(ConnectionKind::factory).orElse(null) instanceof SqlExecutor executor)) {
                    throw new IllegalStateException("this agent runs no SQL for " + params.type() + " connections");
                }
                log.info("session {}: exec SQL ({} bytes) for connection '{}'", id, input.length, params.name());
                yield executor.runSql(params, input, new Output(), masking);
            }
        };
    }

    boolean hasTerminal() {
        return terminal != null;
    }

    synchronized void startTerminal(Supplier<CommandSpec> command, TtySize size) {
        if (closed || terminal != null || exec != null) {
            return;
        }
        CommandSpec spec = command.get();
        log.info("session {}: terminal {} ({}x{}) for connection '{}'", id, spec.program(), size.rows(), size.cols(), params.name());
        terminal = TerminalRun.start(spec, size, MaskedOutput.of(masking, new Output()));
    }

    CompletionStage<Void> terminalInput(byte[] input) {
        TerminalRun t = terminal;
        if (t == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        TerminalLineGuard guard = guardrails.lineGuard();
        if (guard != null) {
            TerminalLineGuard.Result checked = guard.feed(input);
            if (checked.block() != null) {
                log.info("session {}: terminal line on connection '{}' {}", id, params.name(), checked.block().describe());
                out.send(Replies.output(ClientPacket.WRITE_STDERR, id,
                        ("\r\n" + checked.block().describe() + "\r\n").getBytes(StandardCharsets.UTF_8)));
            }
            input = checked.forward();
        }
        return t.write(input).exceptionally(e -> null);
    }

    void resize(TtySize size) {
        TerminalRun t = terminal;
        if (t != null) {
            t.resize(size);
        }
    }

    /** Ends the session for the client (exit code and/or reason), then frees it. */
    void end(Integer exitCode, String reason) {
        if (markClosed()) {
            sendWithSummary(Replies.sessionClose(id, exitCode, reason));
            release(reason == null ? "session ended" : reason);
        }
    }

    /** Frees everything without telling the client (the gateway closed the session, or the stream is gone). */
    void close(String reason) {
        if (markClosed()) {
            release(reason);
        }
    }

    /** True for the one caller that closes the session. */
    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void release(String reason) {
        log.debug("session {}: closing ({})", id, reason);
        for (Connection c : connections.values()) {
            if (c.handler != null) {
                safely(c.handler::close, "closing connection " + c.connectionId);
            }
        }
        connections.clear();
        if (exec != null) {
            safely(exec::kill, "stopping the command");
        }
        if (terminal != null) {
            safely(terminal::kill, "stopping the terminal");
        }
        onEnd.run();
    }

    private void safely(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("session {}: {} failed", id, what, e);
        }
    }

    private CompletionStage<Void> send(dev.hoop.proto.Packet p) {
        return closed ? CompletableFuture.failedFuture(new IllegalStateException("session " + id + " is closed")) : sendWithSummary(p);
    }

    /**
     * Sends with the redaction counts when they changed. With masking on, counting and queueing are
     * one step (the queue only enqueues): stdout and stderr readers must not queue an older count
     * after a newer one, since the gateway keeps the last it sees.
     */
    private CompletionStage<Void> sendWithSummary(dev.hoop.proto.Packet p) {
        if (!masking.enabled()) {
            return out.send(p);
        }
        synchronized (summaryLock) {
            return out.send(withSummary(p));
        }
    }

    private final Object summaryLock = new Object();

    /** Adds the redaction counts when they changed since the last packet (the gateway keeps the latest). */
    private dev.hoop.proto.Packet withSummary(dev.hoop.proto.Packet p) {
        String summary = masking.summaryJson();
        if (summary == null || summary.equals(lastSummary)) {
            return p;
        }
        lastSummary = summary;
        return p.toBuilder().putSpec(dev.hoop.common.wire.SpecKey.REDACT_SUMMARY, Replies.utf8(summary)).build();
    }

    /** Output of the session's command. */
    private final class Output implements ProcessOutput {
        @Override
        public CompletionStage<Void> stdout(byte[] chunk) {
            return send(Replies.output(ClientPacket.WRITE_STDOUT, id, chunk));
        }

        @Override
        public CompletionStage<Void> stderr(byte[] chunk) {
            return send(Replies.output(ClientPacket.WRITE_STDERR, id, chunk));
        }

        @Override
        public void exited(int exitCode) {
            log.info("session {}: command exited with {}", id, exitCode);
            end(exitCode, null);
        }
    }

    /** One client connection: the sink its handler writes to. */
    private final class Connection implements ClientSink {
        private final ConnectionKind kind;
        private final String connectionId;
        private volatile ConnectionHandler handler;
        private volatile boolean ended;

        Connection(ConnectionKind kind, String connectionId) {
            this.kind = kind;
            this.connectionId = connectionId;
        }

        @Override
        public CompletionStage<Void> write(byte[] chunk) {
            if (ended) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection " + connectionId + " is closed"));
            }
            return send(Replies.connectionData(kind.outboundWrite(), id, connectionId, chunk));
        }

        @Override
        public void notice(String text) {
            if (!ended && !closed) {
                out.send(Replies.output(ClientPacket.WRITE_STDERR, id, (text + "\n").getBytes(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void close(String reason) {
            if (ended) {
                return;
            }
            ended = true;
            endedByResource.add(connectionId);
            connections.remove(connectionId, this);
            if (!closed) {
                sendWithSummary(Replies.connectionClose(id, connectionId, reason));
            }
            ConnectionHandler h = handler;
            if (h != null) {
                safely(h::close, "closing connection " + connectionId);
            }
        }
    }
}
