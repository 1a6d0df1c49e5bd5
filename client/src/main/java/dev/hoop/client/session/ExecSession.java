package dev.hoop.client.session;

import dev.hoop.common.retry.Backoff;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code hoop exec}: one session that sends the input, streams the remote stdout and stderr as
 * they come, and returns the remote exit code. An offline agent is retried with backoff, saying
 * so on stderr.
 */
public final class ExecSession {
    /** How many times an offline agent is waited for before giving up. */
    static final int OFFLINE_ATTEMPTS = 5;

    private final Channel channel;
    private final String token;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final PrintStream messages;

    /**
     * @param messages where the CLI's own messages go (retries, errors), usually stderr
     */
    public ExecSession(Channel channel, String token, OutputStream stdout, OutputStream stderr, PrintStream messages) {
        this.channel = channel;
        this.token = token;
        this.stdout = stdout;
        this.stderr = stderr;
        this.messages = messages;
    }

    /** Runs the connection's command with {@code input} and returns its exit code. */
    public int run(String connectionName, byte[] input) throws InterruptedException {
        return run(connectionName, input, List.of());
    }

    /**
     * Runs the connection's command with {@code input} and extra arguments {@code args} (sent as
     * {@code terminal.args}) and returns its exit code.
     */
    public int run(String connectionName, byte[] input, List<String> args) throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
        while (true) {
            Outcome outcome = attempt(connectionName, input, args);
            if (!outcome.agentOffline) {
                return outcome.exitCode;
            }
            if (backoff.attempts() >= OFFLINE_ATTEMPTS - 1) {
                messages.println("error: " + outcome.message + "; gave up after " + OFFLINE_ATTEMPTS + " attempts");
                return 1;
            }
            Duration wait = backoff.next();
            messages.printf("%s; retrying in %.1f s (attempt %d of %d)%n", outcome.message, wait.toMillis() / 1000.0,
                    backoff.attempts() + 1, OFFLINE_ATTEMPTS);
            Thread.sleep(wait.toMillis());
        }
    }

    private record Outcome(int exitCode, boolean agentOffline, String message) {}

    private Outcome attempt(String connectionName, byte[] input, List<String> args) throws InterruptedException {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        SessionStream stream = SessionStream.open(channel, Wire.VERB_EXEC, connectionName, token, new SessionStream.PacketHandler() {
            @Override
            public void onPacket(Packet packet, Runnable done) {
                switch (packet.getType()) {
                    case ClientPacket.WRITE_STDOUT -> write(stdout, packet);
                    case ClientPacket.WRITE_STDERR -> write(stderr, packet);
                    case ClientPacket.SESSION_OPEN_AGENT_OFFLINE ->
                            result.complete(new Outcome(1, true, packet.getPayload().toStringUtf8()));
                    case ClientPacket.SESSION_CLOSE -> result.complete(closed(packet));
                    default -> { } // ClientSessionOpenOK and keep-alives need nothing
                }
                done.run();
            }

            @Override
            public void onEnd(Status status) {
                if (result.isDone()) {
                    return; // the session already ended; this is the stream closing behind it
                }
                if (status.isOk()) {
                    result.complete(new Outcome(0, false, null));
                } else {
                    messages.println("error: " + GatewayErrors.describe(status, connectionName));
                    result.complete(new Outcome(1, false, null));
                }
            }
        });
        Map<String, String> spec = args.isEmpty() ? Map.of() : Map.of(SpecKey.TERMINAL_ARGS, Json.array(args));
        // A non-empty open starts the command at once; with no input, an empty stdin write does.
        stream.send(Wire.packet(AgentPacket.SESSION_OPEN, spec, input));
        if (input.length == 0) {
            stream.send(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, spec, input));
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exec session failed", e.getCause());
        } finally {
            stream.close();
        }
    }

    private Outcome closed(Packet close) {
        String exit = Wire.spec(close, SpecKey.CLIENT_EXIT_CODE);
        String reason = close.getPayload().toStringUtf8();
        if (exit != null) {
            try {
                int code = Integer.parseInt(exit.trim());
                if (code != 0 && !reason.isEmpty()) {
                    messages.println(reason);
                }
                flush();
                return new Outcome(code, false, null);
            } catch (NumberFormatException e) {
                messages.println("error: the agent sent an exit code that is not a number: '" + exit + "'");
                return new Outcome(1, false, null);
            }
        }
        flush();
        if (!reason.isEmpty()) {
            messages.println("error: " + reason);
            return new Outcome(1, false, null);
        }
        return new Outcome(0, false, null);
    }

    private static void write(OutputStream out, Packet packet) {
        try {
            packet.getPayload().writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the remote output", e);
        }
    }

    private void flush() {
        try {
            stdout.flush();
            stderr.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
