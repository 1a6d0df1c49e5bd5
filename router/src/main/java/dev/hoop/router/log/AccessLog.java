package dev.hoop.router.log;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log in Hipache's line format:
 * {@code <addr> - - [date] "<method> <url> HTTP/<ver>" <status> <bytes> "<referer>" "<user-agent>" "<identifier>" <total_s> <backend_s>}.
 * Event loops only enqueue the raw values of a line ({@link Entry}); one writer thread formats and
 * appends them to the file, so no date or number formatting runs on an event loop. {@link #reopen()}
 * (SIGUSR1) makes the writer reopen the file, for log rotation. When the queue is full (the disk
 * cannot keep up) lines are counted and dropped rather than blocking an event loop.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final AccessLog DISABLED = new AccessLog();

    private final Path file;
    /** {@link Entry} or an already formatted String. */
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean reopen;
    private volatile boolean closed;

    private AccessLog() {
        this.file = null;
        this.queue = null;
        this.writer = null;
    }

    private AccessLog(Path file) throws IOException {
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(65_536);
        open().close(); // fail at start, not at the first request, when the file cannot be written
        this.writer = Thread.ofPlatform().daemon().name("access-log").start(this::run);
    }

    /** The access log of {@code server.accessLog}; disabled when null or empty. */
    public static AccessLog open(String path) throws IOException {
        if (path == null || path.isBlank()) {
            return DISABLED;
        }
        Path p = Path.of(path);
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return new AccessLog(p);
    }

    /** Whether lines are written at all (callers skip formatting them when not). */
    public boolean enabled() {
        return queue != null;
    }

    public void log(String line) {
        offer(line);
    }

    /** Queues one request's line, formatted later by the writer thread. */
    public void log(Entry entry) {
        offer(entry);
    }

    private void offer(Object item) {
        if (queue != null && !queue.offer(item)) {
            dropped.incrementAndGet();
        }
    }

    /** Asks the writer to reopen the file (after logrotate moved it). */
    public void reopen() {
        reopen = true;
    }

    private BufferedWriter open() throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void run() {
        BufferedWriter out = null;
        while (!closed || !queue.isEmpty()) {
            try {
                if (out == null || reopen) {
                    reopen = false;
                    if (out != null) {
                        out.close();
                    }
                    out = open();
                }
                Object item = queue.poll(200, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                do {
                    out.write(item instanceof Entry e ? e.format() : (String) item);
                    out.write('\n');
                } while ((item = queue.poll()) != null);
                out.flush();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LOG.warn("access log {}: {} lines dropped, the writer could not keep up", file, lost);
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                LOG.error("access log {}: {}; reopening", file, e.toString());
                reopen = true;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            LOG.warn("access log {}: closing: {}", file, e.toString());
        }
    }

    /**
     * The values of one line, taken on the event loop without formatting anything.
     *
     * @param atMillis when the request ended (epoch milliseconds)
     */
    public record Entry(SocketAddress remote, long atMillis, String method, String uri, HttpVersion version, int status,
                        long bytes, String referer, String agent, String identifier, double totalSeconds,
                        double backendSeconds) {
        public static Entry of(SocketAddress remote, HttpRequest request, HttpVersion clientVersion, int status, long bytes,
                               String identifier, double totalSeconds, double backendSeconds) {
            return new Entry(remote, System.currentTimeMillis(), request.method().name(), request.uri(), clientVersion,
                    status, bytes, request.headers().get(HttpHeaderNames.REFERER, ""),
                    request.headers().get(HttpHeaderNames.USER_AGENT, ""), identifier, totalSeconds, backendSeconds);
        }

        /** The line in Hipache's format. */
        public String format() {
            String addr = remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
            String date = DATE.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(atMillis), ZoneId.systemDefault()));
            return addr + " - - [" + date + "] \"" + method + " " + uri + " HTTP/" + version.majorVersion() + "."
                    + version.minorVersion() + "\" " + status + " " + bytes + " \"" + referer + "\" \"" + agent + "\" \""
                    + identifier + "\" " + String.format(Locale.ROOT, "%.3f %.3f", totalSeconds, backendSeconds);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (writer != null) {
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
