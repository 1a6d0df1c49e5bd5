package dev.hoop.agent.postgres;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.ConnectionParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plays client + gateway + agent transport for the tests: a local listener whose every accepted
 * socket is bridged to one {@link ConnectionHandler}. Client bytes are fed in chunks of varying
 * size (the transport does not keep message boundaries), the next chunk only after the handler
 * completed the previous one; the sink writes to the socket on its own thread and completes when
 * written, so both directions keep backpressure.
 */
final class TunnelHarness implements AutoCloseable {
    private final ServerSocket listener;
    private final ConnectionHandlerFactory factory;
    private final ConnectionParams params;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Reasons given to {@link ClientSink#close}, in order ("" for a normal end). */
    final List<String> closeReasons = new CopyOnWriteArrayList<>();

    private final dev.hoop.agent.dlp.SessionMasking masking;

    TunnelHarness(ConnectionHandlerFactory factory, ConnectionParams params) throws IOException {
        this(factory, params, dev.hoop.agent.dlp.SessionMasking.OFF);
    }

    /** With the session's data masking. */
    TunnelHarness(ConnectionHandlerFactory factory, ConnectionParams params, dev.hoop.agent.dlp.SessionMasking masking) throws IOException {
        this.masking = masking;
        this.factory = factory;
        this.params = params;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tunnel-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        long seed = 1;
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                long s = seed++;
                Thread.ofVirtual().name("tunnel-conn").start(() -> bridge(socket, new Random(s)));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void bridge(Socket socket, Random random) {
        SocketSink sink = new SocketSink(socket);
        ConnectionHandler handler = factory.open(params, sink, masking);
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
                if (n < 0) {
                    break;
                }
                handler.write(Arrays.copyOf(buffer, n)).toCompletableFuture().join();
            }
        } catch (IOException | RuntimeException e) {
            // the client or the sink closed the socket
        } finally {
            handler.close();
            sink.shutdown();
        }
    }

    private final class SocketSink implements ClientSink {
        private final Socket socket;
        private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final OutputStream out;

        SocketSink(Socket socket) {
            this.socket = socket;
            try {
                this.out = socket.getOutputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public CompletionStage<Void> write(byte[] chunk) {
            return CompletableFuture.runAsync(() -> {
                try {
                    out.write(chunk);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, writer);
        }

        @Override
        public void close(String reason) {
            closeReasons.add(reason == null ? "" : reason);
            writer.execute(() -> {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already closed
                }
            });
        }

        void shutdown() {
            writer.shutdown();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
