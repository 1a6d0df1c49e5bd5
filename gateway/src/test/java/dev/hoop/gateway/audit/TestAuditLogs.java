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
        });
    }
}
