package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ForwardedHeaders}: the exact header set a backend gets, row by row. */
class ForwardedHeadersTest {
    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    private static List<String> lines(HttpHeaders h) {
        return h.entries().stream().map(e -> e.getKey().toLowerCase() + ": " + e.getValue()).collect(Collectors.toList());
    }

    static Stream<Arguments> requests() {
        List<String> forwarded = List.of("x-forwarded-for: 10.0.0.9", "x-real-ip: 10.0.0.9", "x-forwarded-proto: http",
                "x-forwarded-port: 8080");
        return Stream.of(
                Arguments.of("plain request, keep-alive to the backend", headers("Host", "a.test", "Accept", "*/*"),
                        false, false, true, concat(List.of("host: a.test", "accept: */*"), forwarded)),
                Arguments.of("hop-by-hop headers and the ones Connection names are removed",
                        headers("Host", "a.test", "Connection", "keep-alive, X-Secret", "X-Secret", "1", "Keep-Alive",
                                "timeout=5", "Proxy-Connection", "keep-alive", "TE", "trailers", "Trailer", "X",
                                "Proxy-Authenticate", "Basic", "Upgrade", "h2c"),
                        false, false, true, concat(List.of("host: a.test"), forwarded)),
                Arguments.of("no keep-alive to the backend: Connection: close", headers("Host", "a.test"),
                        false, false, false, concat(List.of("host: a.test", "connection: close"), forwarded)),
                Arguments.of("a forged X-Forwarded-For is replaced unless trusted",
                        headers("Host", "a.test", "X-Forwarded-For", "1.2.3.4", "X-Real-IP", "1.2.3.4",
                                "X-Forwarded-Proto", "https", "X-Forwarded-Port", "1"),
                        false, false, true, concat(List.of("host: a.test"), forwarded)),
                Arguments.of("trusted: appended to, the others kept",
                        headers("Host", "a.test", "X-Forwarded-For", "1.2.3.4", "X-Real-IP", "1.2.3.4",
                                "X-Forwarded-Proto", "https", "X-Forwarded-Port", "1"),
                        true, false, true, List.of("host: a.test", "x-forwarded-for: 1.2.3.4, 10.0.0.9",
                                "x-real-ip: 1.2.3.4", "x-forwarded-proto: https", "x-forwarded-port: 1")),
                Arguments.of("a WebSocket upgrade keeps Upgrade and says Connection: upgrade",
                        headers("Host", "a.test", "Connection", "Upgrade", "Upgrade", "websocket"),
                        false, true, false, concat(List.of("host: a.test", "upgrade: websocket", "connection: upgrade"),
                                forwarded)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void forwardRequest(String name, HttpHeaders h, boolean trust, boolean upgrade, boolean keepAlive,
                        List<String> expected) {
        ForwardedHeaders.forwardRequest(h, "10.0.0.9", "http", "8080", trust, upgrade, keepAlive);
        assertThat(lines(h)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(h.size()).isEqualTo(expected.size()); // nothing else
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void theRewriteIsIdempotentForARetry(String name, HttpHeaders h, boolean trust, boolean upgrade, boolean keepAlive,
                                         List<String> expected) {
        if (trust) {
            return; // trusted X-Forwarded-For is appended to: a retry re-sends the first attempt's rewrite (see RequestRelay)
        }
        ForwardedHeaders.forwardRequest(h, "10.0.0.9", "http", "8080", trust, upgrade, keepAlive);
        Map<String, List<String>> once = Map.copyOf(h.entries().stream().collect(
                Collectors.groupingBy(e -> e.getKey().toLowerCase(), Collectors.mapping(Map.Entry::getValue, Collectors.toList()))));
        ForwardedHeaders.forwardRequest(h, "10.0.0.9", "http", "8080", trust, upgrade, keepAlive);
        assertThat(h.entries().stream().collect(Collectors.groupingBy(e -> e.getKey().toLowerCase(),
                Collectors.mapping(Map.Entry::getValue, Collectors.toList())))).isEqualTo(once);
    }
}
