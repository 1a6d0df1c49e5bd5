package dev.hoop.gateway.transport;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.concurrent.Executor;

/**
 * The executor of one gRPC call on the gateway. A stream's callbacks start on virtual threads,
 * since setting it up blocks (the database: key and user lookups, the connection, the session's
 * row; the audit file). Once the broker says the stream is set up ({@link #runInline()}), they run
 * inline, on the transport's event loop that delivers them: relaying a packet only queues writes
 * on other streams and appends to the audit file, and handing every packet to another thread cost
 * more than relaying it (docs/performance.md). gRPC wraps this executor in its serializing one, so
 * a call's callbacks stay one at a time and in order across the switch.
 */
public final class CallExecutor implements Executor {
    /** The call whose set-up callback runs on this thread. */
    private static final ThreadLocal<CallExecutor> SETTING_UP = new ThreadLocal<>();

    private final Executor setUp;
    private volatile boolean inline;

    /** @param setUp where callbacks run until the switch (virtual threads) */
    public CallExecutor(Executor setUp) {
        this.setUp = setUp;
    }

    @Override
    public void execute(Runnable task) {
        if (inline) {
            task.run();
            return;
        }
        setUp.execute(() -> {
            SETTING_UP.set(this);
            try {
                task.run();
            } finally {
                SETTING_UP.remove();
            }
        });
    }

    /** For {@code ServerBuilder.callExecutor}: a new one per call, setting up on {@code setUp}. */
    public static ServerCallExecutorSupplier perCall(Executor setUp) {
        return new ServerCallExecutorSupplier() {
            @Override
            public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
                return new CallExecutor(setUp);
            }
        };
    }

    /** From now on callbacks run on the thread that delivers them; they must not block. */
    void runInline() {
        inline = true;
    }

    /** The executor of the call being set up on this thread, or a no-op switch outside one (tests, in-process callers). */
    public static Runnable switchOfCurrentCall() {
        CallExecutor current = SETTING_UP.get();
        return current == null ? () -> { } : current::runInline;
    }
}
