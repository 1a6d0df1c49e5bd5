package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.common.config.ConfigException;
import dev.hoop.gateway.metrics.AuditMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit plugin, always on: each session records its events into a write-ahead file under
 * {@code PLUGIN_AUDIT_PATH} while it runs, and the file is flushed to the {@link AuditStore} when
 * the session ends. Files left by a crash are flushed by {@link #recover()} at the next start, so
 * nothing recorded is lost.
 *
 * <p>Appends are copied into the file's mapped window, or written by one {@link WalWriter} per
 * log on a virtual thread while there is work: the event loop that relays the session's packets
 * makes no system call for them.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final Path dir;
    private final AuditStore store;
    private final WalOpener opener;
    private final WalWriter writer;
    private final AuditMetrics metrics;

    /** Opens a session's write-ahead file (a seam for tests that need a failing disk). */
    interface WalOpener {
        WalFile create(Path path) throws IOException;
    }

    /** @param writerRunner where the writer runs while there is work (a virtual thread in production) */
    AuditLog(Path dir, AuditStore store, WalOpener opener, Executor writerRunner) {
        this(dir, store, opener, writerRunner, AuditMetrics.detached());
    }

    private AuditLog(Path dir, AuditStore store, WalOpener opener, Executor writerRunner, AuditMetrics metrics) {
        this.dir = dir;
        this.store = store;
        this.opener = opener;
        this.metrics = metrics;
        this.writer = new WalWriter(writerRunner, metrics);
        metrics.backlog(writer::backlogEvents, writer::backlogBytes);
    }

    /**
     * Opens the folder, creating it when absent, and checks that it is writable.
     *
     * @throws ConfigException naming PLUGIN_AUDIT_PATH when the folder cannot be used
     */
    public static AuditLog open(Path dir, AuditStore store) {
        return open(dir, store, AuditMetrics.detached());
    }

    /** {@link #open(Path, AuditStore)}, with its write times and backlog in {@code metrics} (/metrics). */
    public static AuditLog open(Path dir, AuditStore store, AuditMetrics metrics) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("PLUGIN_AUDIT_PATH: '" + dir + "' is not a writable folder (" + e
                    + "); set PLUGIN_AUDIT_PATH to a folder the gateway can write, ideally on a persistent volume", e);
        }
        return new AuditLog(dir, store, WalFile::create, task -> Thread.ofVirtual().name("audit-writer").start(task), metrics);
    }

    public Path dir() {
        return dir;
    }

    /** Starts recording a session; the caller must {@link SessionRecording#close()} it. */
    public SessionRecording start(UUID sessionId) {
        Path path = fileOf(sessionId);
        try {
            return new SessionRecording(sessionId, path, opener.create(path), writer, this);
        } catch (IOException e) {
            throw new UncheckedIOException("audit: cannot create " + path, e);
        }
    }

    /**
     * Flushes every write-ahead file left in the folder (a crash, or a database that was down at
     * session end) and removes those that were stored.
     *
     * @return how many sessions were flushed
     */
    public int recover() {
        int flushed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + WalFile.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                UUID id;
                try {
                    id = UUID.fromString(name.substring(0, name.length() - WalFile.SUFFIX.length()));
                } catch (IllegalArgumentException notOurs) {
                    log.warn("audit: ignoring {}: not a session file", file);
                    continue;
                }
                if (flush(id, file)) {
                    flushed++;
                }
            }
        } catch (IOException e) {
            log.error("audit: cannot list {} to recover sessions; will retry at next start", dir, e);
        }
        if (flushed > 0) {
            log.info("audit: flushed {} session(s) left in {} by an earlier run", flushed, dir);
        }
        return flushed;
    }

    /** Reads a session's file, stores it and deletes it; on failure keeps it for {@link #recover()}. */
    boolean flush(UUID sessionId, Path file) {
        try {
            long t0 = System.nanoTime();
            List<AuditEvent> events = WalFile.read(file);
            store.store(sessionId, events);
            Files.deleteIfExists(file);
            metrics.flushed(System.nanoTime() - t0);
            return true;
        } catch (Exception e) {
            log.error("audit: session {} not flushed to the database, kept in {} for the next attempt", sessionId, file, e);
            return false;
        }
    }

    /**
     * The events recorded so far by a session whose write-ahead file is still here (it runs, or
     * its flush to the database failed); empty when there is no file (the events are in the store).
     */
    public Optional<List<AuditEvent>> recorded(UUID sessionId) {
        return tail(sessionId, 0).map(Tail::events);
    }

    /**
     * The complete events of a session's write-ahead file from byte {@code position} on (0: from
     * the start), and where to read next; empty when there is no file. Any thread; never blocks
     * the session, which goes on writing meanwhile.
     *
     * @throws UncheckedIOException when the file is there but cannot be read
     */
    public Optional<Tail> tail(UUID sessionId, long position) {
        Path file = fileOf(sessionId);
        try {
            WalFile.Tail t = WalFile.readFrom(file, position);
            return Optional.of(new Tail(t.events(), t.position()));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("audit: cannot read " + file, e);
        }
    }

    /** Events read from a running session's file, and the byte where the next read starts. */
    public record Tail(List<AuditEvent> events, long position) {}

    Path fileOf(UUID sessionId) {
        return dir.resolve(sessionId + WalFile.SUFFIX);
    }
}
