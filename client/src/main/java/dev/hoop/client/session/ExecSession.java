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
    private GatewayErrors errors = GatewayErrors.plain();
    /** The approved (or waiting) review to run instead of sending a new script: --review, or learnt while waiting. */
    private volatile String resumeReview;
    private boolean noWait;
    private boolean liveLine;

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


    /**
     * For connections that need a review (docs/reviews.md).
     *
     * @param reviewId an approved review of this user to run (its stored script runs), or null
     * @param noWait   print the new review's id and return rather than wait for its approvers
     * @param live     keep one live status line while waiting (a terminal)
     */
    public ExecSession review(String reviewId, boolean noWait, boolean live) {
        this.resumeReview = reviewId;
        this.noWait = noWait;
        this.liveLine = live;
        return this;
    }

    /** How gateway errors are worded: the dialled target and where the token came from (see {@link GatewayLink}). */
    public ExecSession errors(GatewayErrors errors) {
        this.errors = java.util.Objects.requireNonNull(errors, "errors");
        return this;
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
        Backoff reconnect = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
        try (ReviewWait wait = new ReviewWait(messages, liveLine)) {
            return run(connectionName, input, args, backoff, reconnect, wait);
        }
    }

    private int run(String connectionName, byte[] input, List<String> args, Backoff backoff, Backoff reconnect, ReviewWait reviewWait)
            throws InterruptedException {
        while (true) {
            Outcome outcome = attempt(connectionName, input, args, reviewWait);
            if (outcome.reconnect) {
                // the gateway went away (a restart) while the review waited: the review is stored, come back to it
                resumeReview = reviewWait.reviewId();
                Duration pause = reconnect.next();
                reviewWait.say(String.format("lost the gateway (%s); review %s still waits, reconnecting in %.1f s", outcome.message,
                        resumeReview, pause.toMillis() / 1000.0));
                Thread.sleep(pause.toMillis());
                continue;
            }
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

    private record Outcome(int exitCode, boolean agentOffline, String message, boolean reconnect) {
        Outcome(int exitCode, boolean agentOffline, String message) {
            this(exitCode, agentOffline, message, false);
        }
    }

    private Outcome attempt(String connectionName, byte[] input, List<String> args, ReviewWait wait) throws InterruptedException {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<SessionStream> self = new java.util.concurrent.atomic.AtomicReference<>();
        // set on ApproveOK: from then on the script may be running, and a broken stream is not retried
        java.util.concurrent.atomic.AtomicBoolean approved = new java.util.concurrent.atomic.AtomicBoolean();
        SessionStream stream = SessionStream.open(channel, Wire.VERB_EXEC, connectionName, token, new SessionStream.PacketHandler() {
            @Override
            public void onPacket(Packet packet, Runnable done) {
                switch (packet.getType()) {
                    case ClientPacket.SESSION_OPEN_WAITING_APPROVAL -> {
                        approved.set(false);
                        wait.waiting(packet);
                        if (noWait) {
                            write(stdout, wait.reviewId() + "\n");
                            result.complete(new Outcome(0, false, null));
                        }
                    }
                    case ClientPacket.SESSION_OPEN_APPROVE_OK -> {
                        // every group approved: open again, naming the review; the gateway runs the stored script once
                        approved.set(true);
                        resumeReview = Wire.spec(packet, SpecKey.REVIEW_ID);
                        String after = wait.elapsed();
                        wait.close();
                        messages.println("review " + resumeReview + " approved after " + after + "; running it");
                        open(self.get(), input, args);
                    }
                    case ClientPacket.WRITE_STDOUT -> write(stdout, packet);
                    case ClientPacket.WRITE_STDERR -> write(stderr, packet);
                    case ClientPacket.SESSION_OPEN_AGENT_OFFLINE ->
                            result.complete(new Outcome(1, true, packet.getPayload().toStringUtf8()));
                    case ClientPacket.SESSION_CLOSE -> {
                        wait.close();
                        result.complete(closed(packet));
                    }
                    default -> { } // ClientSessionOpenOK and keep-alives need nothing
                }
                done.run();
            }

            @Override
            public void onEnd(Status status) {
                if (result.isDone()) {
                    return; // the session already ended; this is the stream closing behind it
                }
                // a gateway stopping or restarting: UNAVAILABLE once it is gone, CANCELLED when it cut the stream on its way down
                if (wait.waiting() && !approved.get()
                        && (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.CANCELLED)) {
                    result.complete(new Outcome(1, false, errors.sentence(status, connectionName), true));
                    return;
                }
                wait.close();
                if (status.isOk()) {
                    result.complete(new Outcome(0, false, null));
                } else {
                    messages.println("error: " + errors.sentence(status, connectionName));
                    result.complete(new Outcome(1, false, null));
                }
            }
        });
        self.set(stream);
        open(stream, input, args);
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("exec session failed", e.getCause());
        } finally {
            stream.close();
        }
    }

    private void open(SessionStream stream, byte[] input, List<String> args) {
        Map<String, String> spec = new java.util.HashMap<>();
        if (!args.isEmpty()) {
            spec.put(SpecKey.TERMINAL_ARGS, Json.array(args));
        }
        String review = resumeReview;
        if (review != null) {
            spec.put(SpecKey.REVIEW_ID, review);
        }
        // A non-empty open starts the command at once; with no input, an empty stdin write does.
        stream.send(Wire.packet(AgentPacket.SESSION_OPEN, spec, input));
        if (input.length == 0) {
            stream.send(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, spec, input));
        }
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the review id", e);
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
