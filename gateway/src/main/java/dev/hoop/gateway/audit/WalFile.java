package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk format of a session's write-ahead file: a sequence of records
 * {@code [type:1][offset ms:8][length:4][data:length]}, big-endian. Records are handed to the kernel
 * with one gathering write per batch ({@link WalWriter}), before the packets they record are
 * forwarded, so a killed gateway loses nothing it had recorded; a record cut short by a crash is
 * dropped when the file is read back. Only {@link #close()} forces the file to the disk.
 *
 * <p>After a failed write the file is broken (a record may be half written): every later append
 * fails with the first error.
 */
final class WalFile {
    static final String SUFFIX = ".wal";
    private static final int HEADER = 1 + 8 + 4;

    private final Path path;
    private final FileChannel channel;
    private IOException broken;

    WalFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static WalFile create(Path path) throws IOException {
        return new WalFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /** Writes the events, in order, with one call to the kernel (more only if it writes part of them). */
    void append(List<AuditEvent> events) throws IOException {
        if (broken != null) {
            throw new IOException("an earlier write to " + path + " failed: " + broken.getMessage(), broken);
        }
        ByteBuffer[] buffers = new ByteBuffer[events.size()];
        long left = 0;
        for (int i = 0; i < buffers.length; i++) {
            AuditEvent event = events.get(i);
            ByteBuffer buf = ByteBuffer.allocate(HEADER + event.data().length);
            buf.put((byte) event.type()).putLong(event.offsetMillis()).putInt(event.data().length).put(event.data()).flip();
            buffers[i] = buf;
            left += buf.remaining();
        }
        try {
            while (left > 0) {
                left -= channel.write(buffers);
            }
        } catch (IOException e) {
            broken = e;
            throw e;
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /**
     * Forces the records to the disk (at session end, before the database flush). A broken file is
     * only closed: the session already ended over it, and what it holds is flushed as it is.
     */
    void close() throws IOException {
        try (channel) {
            if (broken == null) {
                channel.force(false);
            }
        }
    }

    /** Reads every complete record; a truncated last record (a crash mid-write) is ignored. */
    static List<AuditEvent> read(Path path) throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(path);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    break;
                }
                try {
                    long offset = in.readLong();
                    int length = in.readInt();
                    if (length < 0) {
                        break;
                    }
                    byte[] data = in.readNBytes(length);
                    if (data.length < length) {
                        break;
                    }
                    events.add(new AuditEvent(offset, (char) type, data));
                } catch (EOFException truncated) {
                    break;
                }
            }
        }
        return events;
    }
}
