package dev.hoop.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Audit logs for tests in other packages. */
public final class TestAuditLogs {
    private TestAuditLogs() {}

    /**
     * An audit log whose session files exist but whose writes go to {@code /dev/full}: each one
     * fails with ENOSPC ("No space left on device"), as on a full disk.
     */
    public static AuditLog onFullDisk(Path dir, AuditStore store) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AuditLog(dir, store, path -> {
            Files.createFile(path);
            return new WalFile(path, FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE));
        }, task -> Thread.ofVirtual().start(task));
    }

    /**
     * An audit log on a slow disk: each round of the writer starts {@code delayMillis} late, so that
     * a packet forwarded before its event is written would reach its peer first.
     */
    public static AuditLog onSlowDisk(Path dir, AuditStore store, long delayMillis) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // files without a mapped window: every append waits for the (slow) writer
        return new AuditLog(dir, store, path -> new WalFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)),
                task -> Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delayMillis); // the slow disk, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        }));
    }
}
