package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import java.util.ArrayDeque;

/**
 * Puts a refusal in its right place in the reply stream. A refused Query or Parse has already
 * streamed to the server (statements are never held back whole), except its SQL's terminating
 * NUL: {@link ClientFilter} sends a space instead (and for every byte after it), so the server
 * cannot read the SQL string and answers "invalid string in message" without running anything.
 * That error arrives exactly where the refused statement's answer belongs — after earlier
 * pipelined results, with the transaction and skip-to-Sync state the server keeps — and is swapped
 * for the refusal on the way back.
 *
 * <p>To know which such error is ours, both directions count: every StartupMessage, Query, Sync and
 * FunctionCall is answered by exactly one ReadyForQuery, so a message sent after {@code k} of those
 * requests is answered after the {@code k}-th ReadyForQuery and before the next. Touched only on the
 * connection's event loop.
 */
final class RefusalMarkers {
    /** What PostgreSQL answers a message whose string lacks its NUL (pqformat.c, SQLSTATE 08P01). */
    static final String SERVER_MESSAGE = "invalid string in message";
    private static final String SERVER_CODE = "08P01";
    /** Refusals the server skipped (an earlier error in the batch) are dropped at the next ReadyForQuery; this bounds the rest. */
    private static final int MAX_PENDING = 64;

    private record Pending(long batch, ErrorResponse refusal) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long requests;
    private long ready;

    /** Requests (StartupMessage, Query, Sync, FunctionCall) the client sent so far. */
    long requests() {
        return requests;
    }

    void requestSent() {
        requests++;
    }

    /** The server's error for the message sent after {@code batch} requests is to become {@code refusal}. */
    void register(long batch, ErrorResponse refusal) {
        pending.addLast(new Pending(batch, refusal));
        if (pending.size() > MAX_PENDING) {
            pending.removeFirst();
        }
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** A ReadyForQuery from the server: refusals of earlier batches will never be answered. */
    void readyForQuery() {
        ready++;
        while (!pending.isEmpty() && pending.peekFirst().batch() < ready) {
            pending.removeFirst();
        }
    }

    /** The refusal this server error stands for, or null when it is the server's own. */
    ErrorResponse resolve(ErrorResponse serverError) {
        Pending next = pending.peekFirst();
        if (next == null || next.batch() != ready || !SERVER_CODE.equals(serverError.sqlState())
                || !SERVER_MESSAGE.equals(serverError.message())) {
            return null;
        }
        pending.removeFirst();
        return next.refusal();
    }
}
