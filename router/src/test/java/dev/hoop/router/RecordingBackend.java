package dev.hoop.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A backend that records every byte each connection sent it and answers {@code 200 ok} after
 * each blank line (the end of a head), so that a test can assert exactly what reached it.
 */
public final class RecordingBackend implements AutoCloseable {
    /** One accepted connection: what it read so far, and whether it saw the end of its stream. */
    public static final class Conn {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch firstHead = new CountDownLatch(1);
        private final CountDownLatch ended = new CountDownLatch(1);

        public synchronized String received() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }

        public CountDownLatch firstHead() {
            return firstHead;
        }

        public CountDownLatch ended() {
            return ended;
        }
    }

    private final ServerSocket server;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private final CountDownLatch accepted = new CountDownLatch(1);

    private final boolean answers;

    public RecordingBackend() throws IOException {
        this(true);
    }

    /** @param answers false: it only reads (a backend that waits for the whole body before answering) */
    public RecordingBackend(boolean answers) throws IOException {
        this.answers = answers;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Conn c = new Conn();
                    conns.add(c);
                    accepted.countDown();
                    Thread.ofVirtual().start(() -> serve(s, c, answers));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void serve(Socket s, Conn c, boolean answers) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int b;
            int tail = 0; // the last four bytes, to see "\r\n\r\n"
            while ((b = in.read()) >= 0) {
                synchronized (c) {
                    c.bytes.write(b);
                }
                tail = (tail << 8) | b;
                if (tail == 0x0d0a0d0a) {
                    c.firstHead.countDown();
                    if (!answers) {
                        continue;
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the router closed it: what was read is recorded
        } finally {
            c.ended.countDown();
        }
    }

    public List<Conn> connections() {
        return conns;
    }

    public CountDownLatch accepted() {
        return accepted;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
