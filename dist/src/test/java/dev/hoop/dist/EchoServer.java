package dev.hoop.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP server that echoes what it reads, on an ephemeral port. */
final class EchoServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0);

    EchoServer() throws IOException {
        Thread.ofVirtual().name("echo-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().name("echo").start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
                            in.transferTo(o);
                        } catch (IOException ignored) {
                            // the peer went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
