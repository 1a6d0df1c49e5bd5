package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The recording of one running session. Thread-safe: input and output arrive on different
 * threads. An append never blocks: the {@link WalWriter} copies the event into the file's mapped
 * window or queues it, and {@link #written()} tells when everything appended so far is in the file, so that the caller
 * forwards a packet only after its events are recorded, and ends the session when a write failed
 * rather than let unrecorded traffic through.
 */
public final class SessionRecording implements AutoCloseable {
    private static final CompletableFuture<Void> NOTHING_PENDING = CompletableFuture.completedFuture(null);

    private final UUID sessionId;
    private final Path path;
    private final WalFile wal;
    private final WalWriter writer;
    private final AuditLog owner;
    private final long startNanos = System.nanoTime();
    private boolean closed;
    /** The last append's future: the writer writes a file's appends in order, so it stands for all. */
    private CompletableFuture<Void> last = NOTHING_PENDING;

    SessionRecording(UUID sessionId, Path path, WalFile wal, WalWriter writer, AuditLog owner) {
        this.sessionId = sessionId;
        this.path = path;
        this.wal = wal;
        this.writer = writer;
        this.owner = owner;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public void input(byte[] data) {
        append(AuditEvent.INPUT, data);
    }

    public void output(byte[] data) {
        append(AuditEvent.OUTPUT, data);
    }

    public void error(byte[] data) {
        append(AuditEvent.ERROR, data);
    }

    /** Input of one client connection (of many that one {@code hoop connect} carries), numbered from 1. */
    public void input(long connection, byte[] data) {
        append(AuditEvent.INPUT, data, connection);
    }

    /** A client connection's first packet: the recording can be read per connection. */
    public void connectionOpened(long connection) {
        append(AuditEvent.CONNECTION_OPENED, ("client connection " + connection + " opened").getBytes(StandardCharsets.UTF_8), connection);
    }

    public void connectionClosed(long connection) {
        append(AuditEvent.CONNECTION_CLOSED, ("client connection " + connection + " closed").getBytes(StandardCharsets.UTF_8), connection);
    }

    /** A terminal's new size, as {@code {"rows":R,"cols":C}}. */
    public void resize(byte[] size) {
        append(AuditEvent.RESIZE, size);
    }

    /** A PostgreSQL statement's result (JSON: the input event it answers, its command tag or error), of one client connection. */
    public void result(long connection, byte[] json) {
        append(AuditEvent.RESULT, json, connection);
    }

    /**
     * Completes once every event appended so far is written to the file; fails (with an
     * {@link UncheckedIOException} naming the file) when one of them could not be. The same
     * object until the next append that waits for the writer, so a caller can tell whether there
     * is anything new to wait for.
     */
    public synchronized CompletableFuture<Void> written() {
        return last;
    }

    /** @throws IllegalStateException after {@link #finish()} */
    private void append(char type, byte[] data) {
        append(type, data, AuditEvent.NO_CONNECTION);
    }

    /** @throws IllegalStateException after {@link #finish()} */
    private synchronized void append(char type, byte[] data, long connection) {
        if (closed) {
            throw new IllegalStateException("audit: session " + sessionId + " already closed");
        }
        long offset = (System.nanoTime() - startNanos) / 1_000_000;
        CompletableFuture<Void> appended = writer.append(wal, new AuditEvent(offset, type, data, connection));
        if (appended.isDone() && !appended.isCompletedExceptionally()) {
            last = NOTHING_PENDING; // in the file already, and so is everything before it
            return;
        }
        last = appended.exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            IOException io = cause instanceof IOException x ? x : new IOException(cause);
            throw new UncheckedIOException("audit: cannot write " + path + " (session " + sessionId + ")", io);
        });
    }

    /**
     * Ends the recording and flushes it to the store, once the pending appends are written. Blocks
     * (file and database work): call it off the event loops. Idempotent; {@link #close()} does the same.
     *
     * @return true when the events are in the store; false when they stay on disk for later
     */
    public boolean finish() {
        CompletableFuture<Void> pending;
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
            pending = last;
        }
        try {
            pending.join();
        } catch (CompletionException failedWrite) {
            // already reported to the session, which ended; what was written is kept and flushed
        }
        try {
            wal.close();
        } catch (IOException e) {
            throw new UncheckedIOException("audit: cannot close " + path, e);
        }
        return owner.flush(sessionId, path);
    }

    @Override
    public void close() {
        finish();
    }
}
