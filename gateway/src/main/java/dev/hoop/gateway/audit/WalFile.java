package dev.hoop.gateway.audit;

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
 * {@code [type:1][offset ms:8][length:4][data:length]}, big-endian. Each record is handed to the
 * kernel with one write, so a killed gateway loses nothing it had recorded; a record cut short by
 * a crash is dropped when the file is read back.
 */
final class WalFile {
    static final String SUFFIX = ".wal";
    private static final int HEADER = 1 + 8 + 4;

    private final FileChannel channel;

    private WalFile(FileChannel channel) {
        this.channel = channel;
    }

    static WalFile create(Path path) throws IOException {
        return new WalFile(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    void append(AuditEvent event) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + event.data().length);
        buf.put((byte) event.type()).putLong(event.offsetMillis()).putInt(event.data().length).put(event.data()).flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Forces the records to the disk (at session end, before the database flush). */
    void close() throws IOException {
        channel.force(false);
        channel.close();
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
