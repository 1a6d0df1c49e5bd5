package dev.hoop.router;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A backend that writes exactly the bytes a test gives it (for protocol misbehaviour). */
public final class RawBackend implements AutoCloseable {
    public interface Script {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;

    public RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            script.serve(s);
                        } catch (IOException e) {
                            // the test's client decides what counts
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Reads a request head (up to the blank line). */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    /** A script that answers every request with {@code bytes}, then keeps the socket as told. */
    public static Script answer(String bytes, boolean closeAfter) {
        return s -> {
            InputStream in = s.getInputStream();
            readHead(in);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (!closeAfter) {
                in.read(); // hold the connection until the router closes it
            }
        };
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
