package dev.hoop.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The http handler against real target servers: rewriting, secret headers, refusals, streaming, WebSocket. */
class HttpHandlersTest {
    private static final String SECRET = "Bearer s3cret-token";
    private static EventLoopGroup io;
    private static EventLoopGroup servers;
    private static HttpHandlers http;

    @BeforeAll
    static void start() {
        io = EventLoops.newGroup(1, "agent-io");
        servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        http = new HttpHandlers(io);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        servers.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    private static ConnectionParams params(int port, String... extra) {
        Map<String, String> envs = new HashMap<>(Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port),
                "HEADER_Authorization", SECRET, "HEADER_X_API_KEY", "key-1"));
        for (int i = 0; i < extra.length; i += 2) {
            envs.put(extra[i], extra[i + 1]);
        }
        return new ConnectionParams("web", "http", List.of(), envs);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theTargetGetsItsHostAndTheConnectionsHeadersInsteadOfTheClientsCopies() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("hello"))) {
            Sink sink = new Sink();
            ConnectionHandler h = http.open(params(target.port()), sink);
            h.write(ascii("GET /a/b?c=1 HTTP/1.1\r\nHost: localhost:8081\r\nauthorization: Bearer forged\r\n"
                    + "X-Api-Key: forged\r\nUpgrade: h2c\r\nProxy-Authorization: Basic eA==\r\nAccept: */*\r\n\r\n"))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            await(() -> sink.text().endsWith("hello"), "the response");
            assertThat(target.heads).containsExactly("GET /a/b?c=1 HTTP/1.1\r\nAccept: */*\r\nhost: 127.0.0.1:" + target.port() + "\r\n"
                    + "authorization: " + SECRET + "\r\nx-api-key: key-1\r\n\r\n");
            assertThat(sink.text()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(sink.closeReason).isNotDone(); // keep-alive: the connection stays
            h.close();
            await(() -> target.connections.get() == 1, "one connection to the target");
        }
    }

    @Test
    void aUrlWithAPathPrefixPrefixesEveryRequestAndLeavesOutTheDefaultPortFromHost() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("x"))) {
            Sink sink = new Sink();
            ConnectionHandler h = http.open(new ConnectionParams("web", "http", List.of(),
                    Map.of("URL", "http://127.0.0.1:" + target.port() + "/api/v1/")), sink);
            h.write(ascii("GET /items HTTP/1.1\r\nHost: x\r\n\r\n"));
            await(() -> target.heads.size() == 1, "the request");
            assertThat(target.heads.getFirst()).startsWith("GET /api/v1/items HTTP/1.1\r\nhost: 127.0.0.1:" + target.port() + "\r\n");
        }
    }

    @Test
    void theConnectionsHeadersAreStrippedFromResponses() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("body", "Authorization: " + SECRET, "X-API-Key: key-1", "X-Other: 1"))) {
            Sink sink = new Sink();
            http.open(params(target.port()), sink).write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            await(() -> sink.text().endsWith("body"), "the response");
            assertThat(sink.text()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Other: 1\r\n\r\nbody");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndAHeadResponseHasNoBody() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> head.startsWith("HEAD")
                ? ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                : Targets.ok(head.substring(0, head.indexOf(' ', 4))))) {
            Sink sink = new Sink();
            http.open(params(target.port()), sink).write(ascii("GET /one HTTP/1.1\r\nHost: x\r\n\r\nHEAD /two HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /three HTTP/1.1\r\nHost: x\r\n\r\n"));
            await(() -> sink.text().endsWith("GET /three"), "three responses");
            assertThat(sink.text()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nGET /one"
                    + "HTTP/1.1 200 OK\r\n\r\n" // Netty's decoder drops "chunked" from a head that has no body
                    + "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nGET /three");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CONNECT|CONNECT evil.example:443 HTTP/1.1\\r\\nHost: evil.example:443\\r\\n\\r\\n|405 Method Not Allowed|CONNECT is refused",
        "absolute-form to another host|GET http://evil.example/x HTTP/1.1\\r\\nHost: evil.example\\r\\n\\r\\n|400 Bad Request|request target 'http://evil.example/x' is not a path",
        "absolute-form to the target|GET http://127.0.0.1/x HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n|400 Bad Request|is not a path",
        "Content-Length and Transfer-Encoding|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400 Bad Request|malformed HTTP/1.1 request",
        "two Content-Lengths|POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\nhello|400 Bad Request|malformed HTTP/1.1 request",
        "obs-fold|GET / HTTP/1.1\\r\\nHost: x\\r\\nX-A: b\\r\\n c\\r\\n\\r\\n|400 Bad Request|obs-fold",
        "two Hosts|GET / HTTP/1.1\\r\\nHost: x\\r\\nHost: y\\r\\n\\r\\n|400 Bad Request|more than one Host header",
        "gzip transfer coding|POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n|501 Not Implemented|is not supported (expected: chunked)",
        "space before colon|GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400 Bad Request|malformed HTTP/1.1 request",
        "bare LF|GET / HTTP/1.1\\nHost: x\\n\\n|400 Bad Request|malformed HTTP/1.1 request",
        "garbage|\\u0001\\u0002 nonsense\\r\\n\\r\\n|400 Bad Request|malformed HTTP/1.1 request",
    })
    void isRefusedInHttpAndNothingReachesTheTarget(String name, String request, String status, String reason) throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("should not happen"))) {
            Sink sink = new Sink();
            ConnectionHandler h = http.open(params(target.port()), sink);
            h.write(ascii(request.replace("\\r", "\r").replace("\\n", "\n") + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            assertThat(sink.text()).startsWith("HTTP/1.1 " + status + "\r\n").contains("connection: close").contains(reason)
                    .doesNotContain(SECRET).doesNotContain("should not happen");
            assertThat(target.connections.get()).isZero();
            assertThat(target.received()).isEmpty();
        }
    }

    @Test
    void oversizedHeadersAre431AndAnOverlongRequestLine414() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("no"))) {
            Sink big = new Sink();
            http.open(params(target.port()), big).write(ascii("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"));
            assertThat(big.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            assertThat(big.text()).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
                    .endsWith("the request's headers are larger than 16384 bytes\n");
            Sink longLine = new Sink();
            http.open(params(target.port()), longLine).write(ascii("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertThat(longLine.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            assertThat(longLine.text()).startsWith("HTTP/1.1 414 Request-URI Too Long\r\n");
            assertThat(target.connections.get()).isZero();
        }
    }

    @Test
    void aRefusalAfterAForwardedRequestIsAnsweredAfterItsResponse() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("first"))) {
            Sink sink = new Sink();
            http.open(params(target.port()), sink).write(ascii("GET /ok HTTP/1.1\r\nHost: x\r\n\r\nCONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n"));
            assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            assertThat(sink.text()).startsWith("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 405 Method Not Allowed\r\n");
            assertThat(target.heads).hasSize(1);
        }
    }

    @Test
    void anUnreachableTargetIsA502NamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Sink sink = new Sink();
        http.open(params(port), sink).write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isNull();
        assertThat(sink.text()).startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("cannot connect to 127.0.0.1:" + port)
                .doesNotContain(SECRET);
    }

    @Test
    void aTargetThatClosesWithoutAnsweringIsA502() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket c = s.accept()) {
                    c.getInputStream().read();
                } catch (IOException e) {
                    // closing is the point
                }
            });
            Sink sink = new Sink();
            http.open(params(s.getLocalPort()), sink).write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            assertThat(sink.text()).startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("closed the connection before answering");
        }
    }

    @Test
    void aStreamedResponseIsReadOnlyAsFastAsTheClientTakesIt() throws Exception {
        byte[] piece = new byte[64 * 1024];
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long[] written = new long[1];
            Thread.ofVirtual().start(() -> {
                try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
                    c.getInputStream().read(new byte[4096]);
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (1L << 30) + "\r\n\r\n"));
                    for (int i = 0; i < (1 << 14); i++) {
                        out.write(piece);
                        synchronized (written) {
                            written[0] += piece.length;
                        }
                    }
                } catch (IOException e) {
                    // the agent closed
                }
            });
            HeldSink sink = new HeldSink();
            ConnectionHandler h = http.open(params(s.getLocalPort()), sink);
            h.write(ascii("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
            await(() -> sink.chunks.size() == 1, "the first chunk");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            // the client took nothing: one chunk handed over, and the target stuck once the socket buffers are full
            assertThat(sink.chunks).hasSize(1);
            long stuck;
            synchronized (written) {
                stuck = written[0];
            }
            assertThat(stuck).isLessThan(32L << 20);
            sink.takeAll(200);
            await(() -> sink.chunks.size() > 20, "more chunks once taken");
            h.close();
        }
    }

    @Test
    void aRequestBodyIsAcknowledgedOnlyOnceTheTargetTookIt() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    accepted.complete(s.accept());
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            });
            ConnectionHandler h = http.open(params(s.getLocalPort()), new Sink());
            byte[] body = new byte[32 << 20];
            CompletableFuture<Void> first = h.write(ascii("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + (2 * body.length) + "\r\n\r\n"))
                    .toCompletableFuture();
            first.get(20, TimeUnit.SECONDS);
            CompletableFuture<Void> written = h.write(body).toCompletableFuture();
            try (Socket target = accepted.get(20, TimeUnit.SECONDS)) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                // the target reads nothing: 32 MB cannot fit in the socket buffers, so the stage waits
                assertThat(written).isNotDone();
                byte[] buf = new byte[1 << 16];
                long read = 0;
                // short reads with a deadline: once the target has taken the whole body nothing more
                // comes (the request announced twice as much), so a blocking read would wait forever
                // for the completion it raced with
                target.setSoTimeout(100);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!written.isDone()) {
                    assertThat(System.nanoTime()).as("the body acknowledged within 30 s").isLessThan(deadline);
                    try {
                        int n = target.getInputStream().read(buf);
                        assertThat(n).as("the agent kept the connection open").isPositive();
                        read += n;
                    } catch (java.net.SocketTimeoutException quiet) {
                        // nothing this time: look at the acknowledgement again
                    }
                }
                assertThat(read).isGreaterThan(body.length - (16L << 20));
                h.close();
            }
        }
    }

    @Test
    void aWebSocketUpgradeBecomesARawRelayIncludingFramesSentBeforeThe101() throws Exception {
        try (Targets.WebSocketEcho ws = new Targets.WebSocketEcho(servers)) {
            Sink sink = new Sink();
            ConnectionHandler h = http.open(params(ws.port()), sink);
            // the upgrade and a masked text frame "hi" in one write, before any answer
            h.write(concat(ascii("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), maskedText("hi")))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            await(() -> sink.text().endsWith("echo: hi"), "the echo of the early frame");
            assertThat(sink.text()).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
            h.write(maskedText("again")).toCompletableFuture().get(20, TimeUnit.SECONDS);
            await(() -> sink.text().endsWith("echo: again"), "the echo after the switch");
            h.close();
        }
    }

    @Test
    void anUpgradeTheTargetRefusesEndsTheConnectionAndWhatFollowedNeverReachesIt() throws Exception {
        try (Targets.Raw target = new Targets.Raw(head -> Targets.ok("no websocket here"))) {
            Sink sink = new Sink();
            ConnectionHandler h = http.open(params(target.port()), sink);
            CompletionStage<Void> written = h.write(concat(ascii("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
                    ascii("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")));
            assertThat(sink.closeReason.get(20, TimeUnit.SECONDS)).isNull();
            written.toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(sink.text()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nno websocket here");
            assertThat(target.received()).doesNotContain("smuggled");
        }
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Takes every chunk at once. */
    static final class Sink implements ClientSink {
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
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Takes a chunk only when the test says so. */
    static final class HeldSink implements ClientSink {
        final List<byte[]> chunks = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> taken = new CopyOnWriteArrayList<>();
        private volatile boolean open;

        @Override
        public CompletionStage<Void> write(byte[] chunk) {
            chunks.add(chunk);
            CompletableFuture<Void> f = new CompletableFuture<>();
            taken.add(f);
            if (open) {
                f.complete(null);
            }
            return f;
        }

        void takeAll(int unused) {
            open = true;
            taken.forEach(f -> f.complete(null));
        }

        @Override
        public void close(String reason) {
        }
    }
}
