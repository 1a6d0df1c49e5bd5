package dev.hoop.agent.transport;

import dev.hoop.common.grpc.GatewayTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits out a reconnect backoff, but ends it early when the gateway comes back: while waiting it
 * probes the gateway's TCP port every {@link #PROBE_INTERVAL}, and once a refused probe is
 * followed by an accepted one (the port went from closed to open), the agent retries at once.
 * A gateway that accepts TCP but refuses the agent (bad key, TLS mismatch) never looks "back",
 * so those failures keep the slow pace.
 */
final class ReconnectWait {
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    private static final int PROBE_TIMEOUT_MILLIS = 400;

    private final GatewayTarget target;
    private final CountDownLatch stopped;

    ReconnectWait(GatewayTarget target, CountDownLatch stopped) {
        this.target = target;
        this.stopped = stopped;
    }

    /**
     * @param probe   whether to watch the port (the gateway could not be reached)
     * @param refused whether the last attempt found the port closed: the gateway may already be
     *                back, so the first accepted probe ends the wait
     * @return true when the wait ended because the agent is stopping
     */
    boolean await(Duration backoff, boolean probe, boolean refused) throws InterruptedException {
        long deadline = System.nanoTime() + backoff.toNanos();
        boolean sawClosed = refused || probe && !portOpen();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            long step = probe ? Math.min(left, PROBE_INTERVAL.toNanos()) : left;
            if (stopped.await(step, TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (probe) {
                boolean open = portOpen();
                if (open && sawClosed) {
                    return false;
                }
                sawClosed |= !open;
            }
        }
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target.host(), target.port()), PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
