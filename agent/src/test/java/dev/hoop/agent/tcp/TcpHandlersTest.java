package dev.hoop.agent.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TCP handler against real sockets. */
class TcpHandlersTest {
    private static EventLoopGroup io;
    private static TcpHandlers tcp;

    @BeforeAll
    static void start() {
        io = EventLoops.newGroup(1, "agent-io");
        tcp = new TcpHandlers(io);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    private static ConnectionParams params(int port) {
        return new ConnectionParams("svc", "tcp", List.of(), Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port)));
    }

    @Test
    void echoesBytesBothWays() throws Exception {
        try (TestServers.Echo echo = new TestServers.Echo("")) {
            Sink sink = new Sink();
            ConnectionHandler h = tcp.open(params(echo.port()), sink);
            h.write("hello ".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            h.write("world".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            await(() -> sink.text().equals("hello world"), "echo");
            h.close();
            await(() -> echo.closedConnections() == 1, "server saw the close");
            assertThat(sink.closeReason).isNotDone();
        }
    }

    @Test
    void aServerThatSpeaksFirstReachesTheClientBeforeItSendsAnything() throws Exception {
        try (TestServers.Echo greeter = new TestServers.Echo("220 ready\r\n")) {
            Sink sink = new Sink();
            tcp.open(params(greeter.port()), sink);
            await(() -> sink.text().equals("220 ready\r\n"), "greeting");
        }
    }

    @Test
    void aRefusedConnectionClosesTheClientWithTheReason() throws Exception {
        int port = TestServers.freePort();
        Sink sink = new Sink();
        ConnectionHandler h = tcp.open(params(port), sink);
        assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isEqualTo("cannot connect to 127.0.0.1:" + port + ": Connection refused");
        assertThat(h.write(new byte[] {1}).toCompletableFuture()).failsWithin(20, TimeUnit.SECONDS);
    }

    @Test
    void theServersCloseIsReported() throws Exception {
        try (TestServers.Echo echo = new TestServers.Echo("")) {
            Sink sink = new Sink();
            ConnectionHandler h = tcp.open(params(echo.port()), sink);
            h.write("bye quit\n".getBytes(StandardCharsets.UTF_8));
            assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isEqualTo("127.0.0.1:" + echo.port() + " closed the connection");
        }
    }

    @Test
    void readsTheNextChunkOnlyWhenTheClientTookThePrevious() throws Exception {
        int total = 8 * 1024 * 1024;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(new byte[total]);
                } catch (IOException e) {
                    // the test failed on its side
                }
            });
            BlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            AtomicInteger received = new AtomicInteger();
            CompletableFuture<String> closed = new CompletableFuture<>();
            tcp.open(params(server.getLocalPort()), new ClientSink() {
                @Override
                public CompletionStage<Void> write(byte[] chunk) {
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    received.addAndGet(chunk.length);
                    CompletableFuture<Void> taken = new CompletableFuture<>();
                    pending.add(taken);
                    return taken;
                }

                @Override
                public void close(String reason) {
                    closed.complete(reason);
                }
            });
            // Hold the first chunk: nothing more is read meanwhile.
            CompletableFuture<Void> first = pending.poll(20, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(pending.poll(300, TimeUnit.MILLISECONDS)).isNull();
            inFlight.decrementAndGet();
            first.complete(null);
            while (received.get() < total || !pending.isEmpty()) {
                CompletableFuture<Void> next = pending.poll(20, TimeUnit.SECONDS);
                assertThat(next).as("next chunk after %s bytes", received.get()).isNotNull();
                inFlight.decrementAndGet();
                next.complete(null);
            }
            assertThat(received.get()).isEqualTo(total);
            assertThat(maxInFlight.get()).isEqualTo(1);
            assertThat(closed.get(20, TimeUnit.SECONDS)).isEqualTo("127.0.0.1:" + server.getLocalPort() + " closed the connection");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null|5432|connection 'svc' has no HOST (expected: the resource's host name or IP)",
        "h|null|connection 'svc' has PORT '' (expected: a port number from 1 to 65535)",
        "h|70000|connection 'svc' has PORT '70000' (expected: a port number from 1 to 65535)",
        "h|http|connection 'svc' has PORT 'http' (expected: a port number from 1 to 65535)",
    })
    void rejectsBadAddresses(String host, String port, String message) {
        Map<String, String> envs = new java.util.HashMap<>();
        if (host != null) {
            envs.put("HOST", host);
        }
        if (port != null) {
            envs.put("PORT", port);
        }
        assertThatThrownBy(() -> tcp.open(new ConnectionParams("svc", "tcp", List.of(), envs), new Sink())).hasMessage(message);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Takes every chunk at once and records it. */
    private static final class Sink implements ClientSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<String> closeReason = new CompletableFuture<>();

        @Override
        public synchronized CompletionStage<Void> write(byte[] chunk) {
            bytes.writeBytes(chunk);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(String reason) {
            closeReason.complete(reason);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
