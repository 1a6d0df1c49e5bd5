package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.driver.Route;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ResponseHeads}: the response head a client gets, and whether its connection stays, row by row. */
class ResponseHeadsTest {
    private static HttpResponse head(int code, String... nameValues) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        for (int i = 0; i < nameValues.length; i += 2) {
            r.headers().add(nameValues[i], nameValues[i + 1]);
        }
        return r;
    }

    private static List<String> lines(HttpResponse r) {
        return r.headers().entries().stream().map(e -> e.getKey().toLowerCase() + ": " + e.getValue()).toList();
    }

    static Stream<Arguments> heads() {
        HttpVersion v11 = HttpVersion.HTTP_1_1;
        HttpVersion v10 = HttpVersion.HTTP_1_0;
        return Stream.of(
                Arguments.of("length-delimited, kept", head(200, "Content-Length", "2", "Keep-Alive", "timeout=5"),
                        v11, true, false, true, "HTTP/1.1", List.of("content-length: 2")),
                Arguments.of("close-delimited body re-framed as chunked", head(200, "Connection", "close"),
                        v11, true, false, true, "HTTP/1.1", List.of("transfer-encoding: chunked")),
                Arguments.of("client asked to close", head(200, "Content-Length", "2"),
                        v11, false, false, false, "HTTP/1.1", List.of("content-length: 2", "connection: close")),
                Arguments.of("HTTP/1.0 client: no chunking, the body ends at close", head(200, "Transfer-Encoding", "chunked"),
                        v10, true, false, false, "HTTP/1.0", List.of("connection: close")),
                Arguments.of("HTTP/1.0 client with a length: keep-alive said", head(200, "Content-Length", "2"),
                        v10, true, false, true, "HTTP/1.0", List.of("content-length: 2", "connection: keep-alive")),
                Arguments.of("204 has no body: kept without framing", head(204, "Connection", "close"),
                        v11, true, false, true, "HTTP/1.1", List.of()),
                Arguments.of("HEAD: no body, kept", head(200, "Connection", "close"),
                        v11, true, true, true, "HTTP/1.1", List.of()),
                Arguments.of("hop-by-hop headers dropped", head(200, "Content-Length", "0", "Connection", "X-A",
                                "X-A", "1", "Proxy-Authenticate", "Basic", "Trailer", "X", "Upgrade", "h2c"),
                        v11, true, false, true, "HTTP/1.1", List.of("content-length: 0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heads")
    void prepare(String name, HttpResponse head, HttpVersion client, boolean clientKeepAlive, boolean headRequest,
                 boolean kept, String version, List<String> expected) {
        assertThat(ResponseHeads.prepare(head, client, clientKeepAlive, headRequest, false)).isEqualTo(kept);
        assertThat(head.protocolVersion().text()).isEqualTo(version);
        assertThat(lines(head)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(head.headers().size()).isEqualTo(expected.size()); // nothing else
    }

    @Test
    void switchingProtocolsKeepsUpgradeOnly() {
        HttpResponse r = head(101, "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "k",
                "Keep-Alive", "timeout=5");
        assertThat(ResponseHeads.prepare(r, HttpVersion.HTTP_1_1, true, false, true)).isTrue();
        assertThat(lines(r)).containsExactlyInAnyOrder("upgrade: websocket", "sec-websocket-accept: k",
                "connection: upgrade");
    }

    @Test
    void debugHeadersNameTheBackendAndTheTimes() {
        HttpResponse r = head(200);
        Route route = new Route("*.a.test", "app", List.of("http://10.0.0.1:80", "http://10.0.0.2:80"), Set.of());
        ResponseHeads.debug(r, route, 1, "x.a.test", 1_234_000_000L, 5_000_000L);
        assertThat(lines(r)).containsExactly("x-debug-backend-url: http://10.0.0.2:80", "x-debug-backend-id: 1",
                "x-debug-vhost: x.a.test", "x-debug-frontend-key: *.a.test", "x-debug-time-total: 1.234",
                "x-debug-time-backend: 0.005");
    }
}
