package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.RawHttp;
import dev.hoop.router.RecordingBackend;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling (RFC 9112; what nginx refuses): each ambiguous or malformed request gets its
 * error and a closed connection, and not one byte of it reaches the backend. After each case a
 * plain request through the same router proves that the backend is reachable and that the first
 * bytes it ever saw are that request's.
 */
class SmugglingTest {
    private static RedisFixture redis;
    private static RouterFixture router;
    private RecordingBackend backend;
    private String host;

    @BeforeAll
    static void startRouter() {
        redis = new RedisFixture();
        router = new RouterFixture("\"tcpTimeout\": 5, \"httpKeepAlive\": true");
    }

    @AfterAll
    static void stopRouter() {
        router.close();
        redis.close();
    }

    /** A fresh backend under a fresh host per case, so that what it recorded is that case's alone. */
    @BeforeEach
    void startBackend() throws IOException {
        backend = new RecordingBackend();
        host = redis.host("smuggle-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        redis.frontend(host, "smuggle", backend.url());
    }

    @AfterEach
    void stopBackend() throws IOException {
        backend.close();
    }

    /** Rows: case, the request ({@code H} stands for the routed host), the status, the exact answer body. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.test\r\n\r\n",
                        400, "more than one Host header ('{host}', 'evil.test'); send exactly one"),
                Arguments.of("Content-Length with Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400, "malformed request (Content-Length are not allowed in HTTP/1.1 messages that contains a "
                                + "Transfer-Encoding header.)"),
                Arguments.of("invalid chunk size",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
                        400, "malformed request body (Invalid character in chunk size)"),
                Arguments.of("negative chunk size",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n",
                        400, "malformed request body (Invalid character in chunk size)"),
                Arguments.of("overflowing chunk size",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n",
                        400, "malformed request body (Chunk size overflow: 4294967295)"),
                Arguments.of("chunk not ended by CRLF",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n",
                        400, "malformed request body (Chunk data sections must be terminated by a CR LF octet pair)"),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: {host}\r\nX-A: b\r\n c\r\n\r\n",
                        400, "malformed request (" + RequestCodec.OBS_FOLD + ")"),
                Arguments.of("obs-fold with a tab", "GET / HTTP/1.1\r\nHost: {host}\r\nX-A: b\r\n\tTransfer-Encoding: chunked\r\n\r\n",
                        400, "malformed request (" + RequestCodec.OBS_FOLD + ")"),
                Arguments.of("space in a header name", "GET / HTTP/1.1\r\nHost: {host}\r\nX A: b\r\n\r\n",
                        400, "malformed request (a header name can only contain \"token\" characters, but found "
                                + "invalid character 0x20 at index 1 of header 'X A'.)"),
                Arguments.of("space before the colon",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc",
                        400, "malformed request (a header name can only contain \"token\" characters, but found "
                                + "invalid character 0x20 at index 17 of header 'Transfer-Encoding '.)"),
                Arguments.of("empty header name", "GET / HTTP/1.1\r\nHost: {host}\r\n: x\r\n\r\n",
                        400, "malformed request (empty headers are not allowed [])"),
                Arguments.of("transfer coding other than chunked",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: gzip\r\n\r\nabc",
                        400, "malformed request (The final transfer coding must be chunked for HTTP requests)"),
                Arguments.of("transfer coding before chunked",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                        501, "Transfer-Encoding 'gzip, chunked' is not supported (expected: chunked)"),
                Arguments.of("chunked twice",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400, "malformed request (chunked transfer coding must not be applied more than once)"),
                Arguments.of("Content-Length twice, different",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                        400, "malformed request (Multiple Content-Length values found: [3, 4])"),
                Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: -1\r\n\r\nabc",
                        400, "malformed request (Content-Length value is not a number: -1)"),
                Arguments.of("overflowing Content-Length",
                        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 99999999999999999999\r\n\r\nabc",
                        400, "malformed request (For input string: \"99999999999999999999\")"),
                Arguments.of("request line garbage", "GARBAGE\r\nHost: {host}\r\n\r\n",
                        400, "malformed request (text is empty (possibly HTTP/0.9))"),
                Arguments.of("request line with extra words", "GET / HTTP/1.1 x\r\nHost: {host}\r\n\r\n",
                        400, "malformed request (invalid version format: HTTP/1.1 X)"),
                Arguments.of("bare LF line ends", "GET / HTTP/1.1\nHost: {host}\n\n",
                        400, "malformed request (Line Feed must be preceded by Carriage Return when terminating "
                                + "HTTP start- and header field-lines)"),
                Arguments.of("bare CR in a header", "GET / HTTP/1.1\r\nHost: {host}\rX: y\r\n\r\n",
                        400, "malformed request (a header value contains prohibited character 0xd at index {hostlen}.)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void isRefusedBeforeAnyByteReachesTheBackend(String name, String raw, int status, String reason)
            throws Exception {
        try (RawHttp c = new RawHttp(router.http())) {
            c.send(raw.replace("{host}", host));
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(status);
            String phrase = status == 400 ? "Bad Request" : "Not Implemented";
            assertThat(r.body()).isEqualTo(status + " " + phrase + ": " + reason.replace("{host}", host).replace("{hostlen}", Integer.toString(host.length())) + "\n");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertTheBackendSawOnlyAPlainRequest();
    }

    /** A request through the router reaches the backend, and it is the first thing the backend ever got. */
    private void assertTheBackendSawOnlyAPlainRequest() throws Exception {
        RawHttp.Response ok = RawHttp.get(router.http(), host, "/after");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(backend.connections()).hasSize(1);
        assertThat(backend.connections().getFirst().received()).startsWith("GET /after HTTP/1.1\r\n")
                .containsOnlyOnce("\r\n\r\n");
    }

    @Test
    void aBadChunkAfterTheHeadWentOutClosesTheBackendConnectionWithNothingMore() throws Exception {
        backend.close();
        backend = new RecordingBackend(false);
        redis.frontend(host, "smuggle", backend.url());
        try (RawHttp c = new RawHttp(router.http())) {
            c.send("POST /up HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(backend.accepted().await(5, TimeUnit.SECONDS)).isTrue();
            RecordingBackend.Conn conn = backend.connections().getFirst();
            assertThat(conn.firstHead().await(5, TimeUnit.SECONDS)).isTrue();
            c.send("ZZZ\r\nsmuggled\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("400 Bad Request: malformed request body (Invalid character in chunk size)\n");
            assertThat(c.closedByPeer()).isTrue();
            assertThat(conn.ended().await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(conn.received()).startsWith("POST /up HTTP/1.1\r\n").endsWith("\r\n\r\n")
                    .containsOnlyOnce("\r\n\r\n").doesNotContain("smuggled", "admin");
        }
        assertThat(backend.connections()).hasSize(1);
    }

    @Test
    void aValidChunkedRequestStillGoesThrough() throws Exception {
        try (RawHttp c = new RawHttp(router.http())) {
            c.send("POST /up HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: Chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok");
        }
        assertThat(backend.connections().getFirst().received()).startsWith("POST /up HTTP/1.1\r\n")
                .endsWith("\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    }
}
