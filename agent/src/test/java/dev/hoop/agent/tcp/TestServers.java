package dev.hoop.agent.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** Real TCP servers on ephemeral loopback ports, for tests. */
public final class TestServers {
    private TestServers() {}

    /** A port nothing listens on (bound, then released). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Greets each connection with {@code greeting} (a server that speaks first; empty for none),
     * then echoes what it reads; closes the connection when it reads a chunk ending in "quit\n".
     */
    public static final class Echo implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger closed = new AtomicInteger();
        private final AtomicInteger accepted = new AtomicInteger();

        public Echo(String greeting) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("echo-accept").start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().name("echo-conn").start(() -> serve(s, greeting));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, String greeting) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                if (!greeting.isEmpty()) {
                    out.write(greeting.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (new String(buf, 0, n, StandardCharsets.UTF_8).endsWith("quit\n")) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the peer went away
            } finally {
                closed.incrementAndGet();
            }
        }

        public int port() {
            return server.getLocalPort();
        }

        public int acceptedConnections() {
            return accepted.get();
        }

        public int closedConnections() {
            return closed.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
