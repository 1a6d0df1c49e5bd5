package dev.hoop.gateway.broker;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an exec for {@code POST /api/sessions}: a session of origin {@code client-api} whose client
 * side lives in the gateway. Output is kept up to a limit (the rest is still recorded by the
 * audit, and marked truncated here); the caller waits a bounded time and gets either the result or
 * the session id of an exec that goes on.
 */
public final class ApiExecution {
    /** Output kept for the HTTP answer; the session's recording has all of it. */
    static final int OUTPUT_LIMIT = 4 * 1024 * 1024;

    /**
     * What the API answers. {@code exitCode} is null while the exec still runs; {@code reviewId} is
     * set when the connection needs a review and the script waits for it (docs/reviews.md).
     */
    public record Result(UUID sessionId, String output, boolean truncated, Integer exitCode, String error, UUID reviewId) {
        public Result(UUID sessionId, String output, boolean truncated, Integer exitCode, String error) {
            this(sessionId, output, truncated, exitCode, error, null);
        }
    }

    private final SessionBroker broker;

    public ApiExecution(SessionBroker broker) {
        this.broker = broker;
    }

    /**
     * @throws StatusException NOT_FOUND for an unknown connection (the broker's refusal)
     */
    public Result run(SessionUser user, String connectionName, String script, Duration wait) throws StatusException, InterruptedException {
        return run(user, connectionName, script, null, wait);
    }

    /** @param reviewId an approved review to run (its stored script runs, not {@code script}), or null */
    public Result run(SessionUser user, String connectionName, String script, UUID reviewId, Duration wait)
            throws StatusException, InterruptedException {
        Collector collector = new Collector();
        StreamObserver<Packet> toBroker = broker.clientStream(user, Wire.VERB_EXEC, connectionName, collector, () -> { });
        toBroker.onNext(Wire.packet(AgentPacket.SESSION_OPEN, reviewId == null ? Map.of() : Map.of(SpecKey.REVIEW_ID, reviewId.toString()),
                script.getBytes(StandardCharsets.UTF_8)));
        try {
            Result r = collector.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (r.reviewId() != null) {
                toBroker.onCompleted(); // an HTTP call does not wait for approvers: the review stays, the stream ends
            }
            return r;
        } catch (TimeoutException stillRunning) {
            // the session goes on; its recording is complete when it ends
            return collector.snapshot(null, null);
        } catch (ExecutionException e) {
            throw new IllegalStateException("api exec failed", e.getCause());
        }
    }

    /** The client side of the session, inside the gateway: always ready, keeps the output. */
    private static final class Collector extends ServerCallStreamObserver<Packet> {
        final CompletableFuture<Result> done = new CompletableFuture<>();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private volatile UUID sessionId;
        private boolean truncated;

        synchronized Result snapshot(Integer exitCode, String error) {
            return new Result(sessionId, output.toString(StandardCharsets.UTF_8), truncated, exitCode, error);
        }

        @Override
        public synchronized void onNext(Packet p) {
            String sid = Wire.spec(p, SpecKey.GATEWAY_SESSION_ID);
            if (sid != null && sessionId == null) {
                try {
                    sessionId = UUID.fromString(sid);
                } catch (IllegalArgumentException ignored) {
                    // not a session id we issued; keep looking
                }
            }
            switch (p.getType()) {
                case ClientPacket.WRITE_STDOUT, ClientPacket.WRITE_STDERR -> {
                    int room = OUTPUT_LIMIT - output.size();
                    int n = Math.min(room, p.getPayload().size());
                    output.write(p.getPayload().toByteArray(), 0, n);
                    truncated |= n < p.getPayload().size();
                }
                case ClientPacket.SESSION_OPEN_AGENT_OFFLINE -> done.complete(snapshot(null, p.getPayload().toStringUtf8()));
                case ClientPacket.SESSION_OPEN_WAITING_APPROVAL -> {
                    done.complete(new Result(null, "", false, null, null, UUID.fromString(Wire.spec(p, SpecKey.REVIEW_ID))));
                }
                case ClientPacket.SESSION_CLOSE -> {
                    String exit = Wire.spec(p, SpecKey.CLIENT_EXIT_CODE);
                    String reason = p.getPayload().isEmpty() ? null : p.getPayload().toStringUtf8();
                    Integer code = null;
                    try {
                        code = exit == null ? null : Integer.valueOf(exit.trim());
                    } catch (NumberFormatException ignored) {
                        // reported through the error below
                    }
                    // Integer.valueOf: a bare 0 would unbox a null code and throw (a close with a reason and no exit code)
                    done.complete(snapshot(code == null && reason == null ? Integer.valueOf(0) : code, code != null && code == 0 ? null : reason));
                }
                default -> { }
            }
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            done.complete(snapshot(null, s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription())));
        }

        @Override
        public void onCompleted() {
            done.complete(snapshot(null, "the session ended without an exit code"));
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {}

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {}

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void disableAutoRequest() {}

        @Override
        public void setOnReadyThreshold(int numBytes) {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}
    }
}
