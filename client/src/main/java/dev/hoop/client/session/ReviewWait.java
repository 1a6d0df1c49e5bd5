package dev.hoop.client.session;

import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI shows while a session waits for its review (docs/reviews.md): the review's URL once,
 * then a live line with the time waited and the groups that still have to decide (rewritten in
 * place on a terminal, a new line at each change otherwise, so logs stay readable).
 */
final class ReviewWait implements AutoCloseable {
    private final PrintStream messages;
    private final boolean live;
    private final long startedAt = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private ScheduledFuture<?> ticking;
    private volatile String reviewId;
    private volatile String pending = "";
    private volatile boolean lineOpen;
    private boolean closed;
    /** What Ctrl-C means, said once; %s is the review id. */
    private final String stopHint;

    /** @param live rewrite one line every second (a terminal) rather than print each change */
    ReviewWait(PrintStream messages, boolean live) {
        this(messages, live, "Ctrl-C stops waiting (the review stays: hoop exec … --review %s once approved)");
    }

    ReviewWait(PrintStream messages, boolean live, String stopHint) {
        this.stopHint = stopHint;
        this.messages = messages;
        this.live = live;
        this.ticker = live ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("review-wait").factory()) : null;
    }

    String reviewId() {
        return reviewId;
    }

    boolean waiting() {
        return reviewId != null;
    }

    /** A ClientSessionOpenWaitingApproval: the first tells the URL, later ones the progress. */
    synchronized void waiting(Packet packet) {
        String id = Wire.spec(packet, SpecKey.REVIEW_ID);
        String groups = Wire.spec(packet, SpecKey.REVIEW_PENDING_GROUPS);
        groups = groups == null ? "" : groups.replace(",", ", ");
        if (reviewId == null || !reviewId.equals(id)) {
            reviewId = id;
            messages.println("this connection needs a review: " + packet.getPayload().toStringUtf8());
            messages.println("review " + id + " waits for approval; " + stopHint.formatted(id));
            if (live && !ticker.isShutdown()) {
                ticking = ticker.scheduleAtFixedRate(this::line, 0, 1, TimeUnit.SECONDS);
            }
        }
        boolean changed = !groups.equals(pending);
        pending = groups;
        if (!live && changed) {
            messages.println(status());
        } else if (live && !closed) {
            line();
        }
    }

    synchronized void say(String message) {
        endLine();
        messages.println(message);
    }

    private synchronized void line() {
        if (closed) {
            return; // a tick that was already waiting for the lock when the wait ended
        }
        messages.print("\r\033[K" + status());
        messages.flush();
        lineOpen = true;
    }

    private String status() {
        return "waiting " + elapsed() + (pending.isEmpty() ? "" : ", still to decide: " + pending);
    }

    String elapsed() {
        long s = Duration.ofNanos(System.nanoTime() - startedAt).toSeconds();
        return s < 60 ? s + "s" : s / 60 + "m" + String.format("%02d", s % 60) + "s";
    }

    private void endLine() {
        if (lineOpen) {
            messages.println();
            lineOpen = false;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        endLine();
    }
}
