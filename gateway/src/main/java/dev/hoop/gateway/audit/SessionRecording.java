package dev.hoop.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The recording of one running session. Thread-safe: input and output arrive on different
 * threads. A failed write throws, so that the caller ends the session rather than let unrecorded
 * traffic through.
 */
public final class SessionRecording implements AutoCloseable {
    private final UUID sessionId;
    private final Path path;
    private final WalFile wal;
    private final AuditLog owner;
    private final long startNanos = System.nanoTime();
    private boolean closed;

    SessionRecording(UUID sessionId, Path path, WalFile wal, AuditLog owner) {
        this.sessionId = sessionId;
        this.path = path;
        this.wal = wal;
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

    private synchronized void append(char type, byte[] data) {
        if (closed) {
            throw new IllegalStateException("audit: session " + sessionId + " already closed");
        }
        long offset = (System.nanoTime() - startNanos) / 1_000_000;
        try {
            wal.append(new AuditEvent(offset, type, data));
        } catch (IOException e) {
            throw new UncheckedIOException("audit: cannot write " + path + " (session " + sessionId + ")", e);
        }
    }

    /**
     * Ends the recording and flushes it to the store. Idempotent; {@link #close()} does the same.
     *
     * @return true when the events are in the store; false when they stay on disk for later
     */
    public boolean finish() {
        synchronized (this) {
            if (closed) {
                return true;
            }
            closed = true;
            try {
                wal.close();
            } catch (IOException e) {
                throw new UncheckedIOException("audit: cannot close " + path, e);
            }
        }
        return owner.flush(sessionId, path);
    }

    @Override
    public void close() {
        finish();
    }
}
