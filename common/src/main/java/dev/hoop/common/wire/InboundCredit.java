package dev.hoop.common.wire;

import java.util.function.IntConsumer;

/**
 * Inbound flow control of one gRPC stream with a fixed window: at most {@code window} packets are
 * requested and not yet handled. Handled packets give their credit back in batches of half the
 * window instead of one {@code request(1)} each, since every request from outside the transport's
 * event loop wakes that loop up (a syscall and a thread switch per packet). Half the window stays
 * requested whenever nothing is in hand, so a batch that is not yet full never stalls the stream.
 *
 * <p>Thread-safe: packets may be handled (e.g. their socket write completes) on any thread.
 */
public final class InboundCredit {
    private final IntConsumer request;
    private final int window;
    private final int batch;
    private int handled;

    /**
     * @param window  packets that may be requested and unhandled at once (at least 1)
     * @param request asks the stream for that many more packets (e.g. {@code call::request})
     */
    public InboundCredit(int window, IntConsumer request) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.window = window;
        this.batch = Math.max(1, window / 2);
        this.request = request;
    }

    /** Requests the whole window (once, when the stream starts). */
    public void start() {
        request.accept(window);
    }

    /** One packet is done with; its credit goes back with the next full batch. */
    public void handled() {
        int give;
        synchronized (this) {
            if (++handled < batch) {
                return;
            }
            give = handled;
            handled = 0;
        }
        request.accept(give);
    }

    public int window() {
        return window;
    }
}
