package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The on-disk format of a session's write-ahead file: a sequence of records
 * {@code [type:1][offset ms:8][length:4][data:length]}, big-endian, ended by a zero byte or the end
 * of the file. An event of a client connection is stored with its type letter in upper case and the
 * connection's number after the offset: {@code [TYPE:1][offset ms:8][connection:8][length:4][data]};
 * files written before connections were recorded hold only lower-case records and read as before. A record is handed to the kernel before the packet it records is forwarded, so a
 * killed gateway loses nothing it had recorded. Only {@link #close()} forces the file to the disk.
 *
 * <p>Two ways in, so that an event loop never makes a system call for the audit
 * (docs/architecture.md#threading): {@link #tryAppendMapped} copies a record into a window of the
 * file mapped in memory (the kernel's page cache, as a {@code write} would), and {@link #append}
 * writes through the channel; it is the {@link WalWriter}'s, off the loops, for what does not fit
 * the window, and it maps the next window. While appends wait for the writer, later ones queue
 * behind them ({@link #queued}), so a file's records keep their order.
 *
 * <p>A record's type byte is stored last: a record cut short by a crash reads as the end of the
 * file, and is dropped. After a failed write the file is broken: every later append fails with
 * the first error.
 */
final class WalFile {
    static final String SUFFIX = ".wal";
    /** How much of the file is mapped at a time; the file is cut to its records at close. */
    static final int WINDOW = 4 << 20;
    private static final int HEADER = 1 + 8 + 4;
    private static final int CONNECTION = 8;

    private final Path path;
    private final FileChannel channel;
    private final boolean mapped;
    /** Appends handed to the writer and not yet written: while any waits, nothing goes in mapped. */
    private final AtomicInteger waiting = new AtomicInteger();
    // Fields below: written by one thread at a time, the appender while waiting == 0, the writer
    // while it is not; the hand-over goes through `waiting` and the writer's queue.
    private MappedByteBuffer window;
    private long windowStart;
    private long end;
    private Throwable broken;

    /** A file written through its channel only (tests: a full or a slow disk). */
    WalFile(Path path, FileChannel channel) {
        this(path, channel, false);
    }

    private WalFile(Path path, FileChannel channel, boolean mapped) {
        this.path = path;
        this.channel = channel;
        this.mapped = mapped;
    }

    /** Creates the file and maps its first window (on the thread that opens the session). */
    static WalFile create(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        WalFile file = new WalFile(path, channel, true);
        try {
            file.mapFrom(0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return file;
    }

    /**
     * Copies the event into the mapped window when it fits and nothing waits for the writer;
     * never makes a system call. Callers serialize appends to one file.
     *
     * @return false when the event must go through the writer instead
     * @throws IOException when the mapped page could not be written (a full disk: the file is broken)
     */
    boolean tryAppendMapped(AuditEvent event) throws IOException {
        if (!mapped || waiting.get() > 0 || broken != null || window == null) {
            return false;
        }
        int size = size(event);
        if (window.remaining() < size) {
            return false;
        }
        int at = window.position();
        byte type = typeByte(event);
        try {
            window.position(at + 1);
            window.putLong(event.offsetMillis());
            if (event.connection() != AuditEvent.NO_CONNECTION) {
                window.putLong(event.connection());
            }
            window.putInt(event.data().length).put(event.data());
            // the live view reads the file while it is written: the record's bytes before its type byte
            VarHandle.releaseFence();
            window.put(at, type);
        } catch (InternalError e) {
            // the JDK's report of a SIGBUS on a mapped page: the disk is full
            IOException io = new IOException("No space left on device (mapped write to " + path + ")", e);
            broken = io;
            throw io;
        }
        end = windowStart + window.position();
        return true;
    }

    /** An append goes to the writer: later ones must queue behind it. */
    void queued(int count) {
        waiting.addAndGet(count);
    }

    /**
     * Writes the events, in order, with one gathering write (more only if the kernel takes part of
     * them), then maps the next window. The writer's; releases {@code count} queued appends.
     */
    void append(List<AuditEvent> events, int count) throws IOException {
        try {
            append(events);
        } finally {
            waiting.addAndGet(-count);
        }
    }

    private void append(List<AuditEvent> events) throws IOException {
        if (broken != null) {
            throw new IOException("an earlier write to " + path + " failed: " + broken.getMessage(), broken);
        }
        ByteBuffer[] buffers = new ByteBuffer[events.size()];
        long left = 0;
        for (int i = 0; i < buffers.length; i++) {
            AuditEvent event = events.get(i);
            ByteBuffer buf = ByteBuffer.allocate(size(event));
            buf.put(i == 0 ? 0 : typeByte(event)).putLong(event.offsetMillis());
            if (event.connection() != AuditEvent.NO_CONNECTION) {
                buf.putLong(event.connection());
            }
            buf.putInt(event.data().length).put(event.data()).flip();
            buffers[i] = buf;
            left += buf.remaining();
        }
        long start = end;
        try {
            channel.position(start);
            while (left > 0) {
                left -= channel.write(buffers);
            }
            // the first type byte last: a batch cut short ends the file where it began
            channel.write(ByteBuffer.wrap(new byte[] {typeByte(events.get(0))}), start);
            end = channel.position();
            if (mapped) {
                mapFrom(end);
            }
        } catch (IOException e) {
            broken = e;
            throw e;
        }
    }

    private void mapFrom(long offset) throws IOException {
        window = channel.map(FileChannel.MapMode.READ_WRITE, offset, WINDOW);
        windowStart = offset;
    }

    private static int size(AuditEvent event) {
        return HEADER + (event.connection() == AuditEvent.NO_CONNECTION ? 0 : CONNECTION) + event.data().length;
    }

    /** The event's type letter; in upper case when a connection number follows the offset. */
    private static byte typeByte(AuditEvent event) {
        if (event.type() < 'a' || event.type() > 'z') {
            throw new IllegalArgumentException("audit event type must be a lower-case ASCII letter, not " + (int) event.type());
        }
        return (byte) (event.connection() == AuditEvent.NO_CONNECTION ? event.type() : Character.toUpperCase(event.type()));
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /**
     * Cuts the file to its records and forces them to the disk (at session end, before the
     * database flush). A broken file is only closed: the session already ended over it, and what
     * it holds is flushed as it is.
     */
    void close() throws IOException {
        try (channel) {
            window = null; // unmapped by the garbage collector; never touched again
            if (broken == null) {
                if (mapped) {
                    channel.truncate(end);
                }
                channel.force(false);
            }
        }
    }

    /** Reads every complete record; a record cut short by a crash, and what follows, is ignored. */
    static List<AuditEvent> read(Path path) throws IOException {
        return readFrom(path, 0).events();
    }

    /**
     * The complete records from byte {@code position} on, and where the next one will start: the
     * live view reads a running session's file this way, a little more each time. A record whose
     * type byte is not written yet ends what is read (the writer stores it last).
     */
    static Tail readFrom(Path path, long position) throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        long at = position;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Channels.newInputStream(channel.position(position))))) {
            while (true) {
                int type = in.read();
                if (type <= 0) {
                    break;
                }
                boolean withConnection = type >= 'A' && type <= 'Z';
                try {
                    long offset = in.readLong();
                    long connection = withConnection ? in.readLong() : AuditEvent.NO_CONNECTION;
                    int length = in.readInt();
                    if (length < 0 || connection < 0 || (withConnection && connection == AuditEvent.NO_CONNECTION)) {
                        break;
                    }
                    byte[] data = in.readNBytes(length);
                    if (data.length < length) {
                        break;
                    }
                    events.add(new AuditEvent(offset, (char) Character.toLowerCase(type), data, connection));
                    at += HEADER + (withConnection ? CONNECTION : 0) + length;
                } catch (EOFException truncated) {
                    break;
                } catch (IllegalArgumentException unknownType) {
                    break; // not a record this gateway wrote: what follows cannot be trusted either
                }
            }
        }
        return new Tail(events, at);
    }

    /** Records read from a file, and the byte where the next record starts. */
    record Tail(List<AuditEvent> events, long position) {}
}
