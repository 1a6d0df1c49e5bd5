package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.HttpBackend;
import dev.hoop.router.RawBackend;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Black-box routing through a real router, real Redis and real backends on ephemeral ports. */
class RoutingTest {
    static RedisFixture redis;
    static RouterFixture router;
    static HttpBackend a;
    static HttpBackend b;

    @BeforeAll
    static void start() throws IOException {
        redis = new RedisFixture();
        router = new RouterFixture("\"tcpTimeout\": 2, \"retryOnError\": 0, \"httpKeepAlive\": true");
        a = new HttpBackend("A");
        b = new HttpBackend("B");
    }

    @AfterAll
    static void stop() {
        router.close();
        a.close();
        b.close();
        redis.close();
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void singleBackendGetsTheRequestWithForwardingHeaders() throws IOException {
        String host = redis.host("single");
        redis.frontend(host, "single-app", a.url());
        RawHttp.Response r = RawHttp.get(router.http(), host, "/hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("A GET 0");
        assertThat(r.header("x-seen-x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(r.header("x-seen-x-real-ip")).isEqualTo("127.0.0.1");
        assertThat(r.header("x-seen-x-forwarded-proto")).isEqualTo("http");
        assertThat(r.header("x-seen-x-forwarded-port")).isEqualTo(Integer.toString(router.http().getPort()));
        assertThat(r.header("x-seen-host")).isEqualTo(host);
    }

    @Test
    void aClientsForwardedForIsReplacedUnlessTrusted() throws IOException {
        String host = redis.host("xff");
        redis.frontend(host, "xff", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            RawHttp.Response r = c.request("GET", host, "/", "X-Forwarded-For: 6.6.6.6\r\n");
            assertThat(r.header("x-seen-x-forwarded-for")).isEqualTo("127.0.0.1");
        }
        try (RouterFixture trusting = new RouterFixture("\"trustForwardedFor\": true");
             RawHttp c = new RawHttp(trusting.http())) {
            RawHttp.Response r = c.request("GET", host, "/", "X-Forwarded-For: 6.6.6.6\r\n");
            assertThat(r.header("x-seen-x-forwarded-for")).isEqualTo("6.6.6.6, 127.0.0.1");
        }
    }

    @Test
    void multipleBackendsShareTheLoad() throws IOException {
        String host = redis.host("multi");
        redis.frontend(host, "multi", a.url(), b.url());
        Set<String> seen = new HashSet<>();
        try (RawHttp c = new RawHttp(router.http())) {
            for (int i = 0; i < 40 && seen.size() < 2; i++) {
                seen.add(c.request("GET", host, "/", "").body());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("A GET 0", "B GET 0");
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        String host = redis.host("keep");
        redis.frontend(host, "keep", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            for (int i = 0; i < 5; i++) {
                assertThat(c.request("GET", host, "/" + i, "").body()).isEqualTo("A GET 0");
            }
        }
    }

    @Test
    void unknownHostIs400WithNoCacheHeaders() throws IOException {
        RawHttp.Response r = RawHttp.get(router.http(), redis.host("nobody-here"), "/");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("400 Bad Request: unknown virtual host '" + redis.host("nobody-here") + "'\n");
        assertThat(r.header("cache-control")).isEqualTo("no-cache, no-store, must-revalidate");
        assertThat(r.header("pragma")).isEqualTo("no-cache");
        assertThat(r.header("expires")).isEqualTo("0");
    }

    @Test
    void missingHostIs400() throws IOException {
        try (RawHttp c = new RawHttp(router.http())) {
            c.send("GET / HTTP/1.0\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("400 Bad Request: no Host header (expected: Host: <virtual host>)\n");
        }
    }

    @Test
    void pingAnswersOkWithoutRedis() throws IOException {
        RawHttp.Response r = RawHttp.get(router.http(), "__ping__", "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    static Stream<Arguments> wildcards() {
        return Stream.of(
                // routes (host=backend; "A"/"B"), request host, expected answer
                Arguments.of("foo=A,*.foo=B", "foo", "A"),
                Arguments.of("foo=A,*.foo=B", "x.foo", "B"),
                Arguments.of("*.foo=B", "foo", "400"),
                Arguments.of("foo=A", "FOO:8080", "A"),
                Arguments.of("*.l4.l5=A,*.l5=B", "x.l4.l5", "A"),
                Arguments.of("*.l5=B", "l1.l2.l3.l4.l5", "B"),
                // 7 labels (5 + the 2-label suffix): only the last 6 are kept, so *.l2… is out of reach
                Arguments.of("*.l2.l3.l4.l5=A", "l1.l2.l3.l4.l5", "400"),
                Arguments.of("*.l3.l4.l5=A", "l1.l2.l3.l4.l5", "A"),
                Arguments.of("l1.l2.l3.l4.l5=B,*.l3.l4.l5=A", "l1.l2.l3.l4.l5", "B"));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("wildcards")
    void wildcardMatchingPriorityAndDepth(String routes, String request, String expected) throws IOException {
        try (RedisFixture own = new RedisFixture()) {
            for (String route : routes.split(",")) {
                String[] kv = route.split("=");
                own.frontend(own.host(kv[0]), "wild", (kv[1].equals("A") ? a : b).url());
            }
            String[] hostPort = request.split(":");
            String host = own.host(hostPort[0]).toUpperCase().replace(own.suffix.toUpperCase(), own.suffix)
                    + (hostPort.length > 1 ? ":" + hostPort[1] : "");
            RawHttp.Response r = RawHttp.get(router.http(), host, "/");
            if (expected.equals("400")) {
                assertThat(r.status()).isEqualTo(400);
            } else {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(expected + " GET 0");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE", "DELETE", "POST", "PUT"})
    void methodsAreProxied(String method) throws IOException {
        String host = redis.host("methods");
        redis.frontend(host, "methods", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            boolean body = method.equals("POST") || method.equals("PUT");
            RawHttp.Response r = c.request(method, host, "/m", body ? "Content-Length: 0\r\n" : "");
            assertThat(r.status()).isEqualTo(200);
            if (method.equals("HEAD")) {
                assertThat(r.body()).isEmpty();
                assertThat(r.header("content-length")).isEqualTo("8");
            } else {
                assertThat(r.body()).isEqualTo("A " + method + " 0");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT"})
    void requestBodiesAreStreamed(String method) throws IOException {
        String host = redis.host("body");
        redis.frontend(host, "body", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            c.send(method + " /b HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 11\r\n\r\nhello world");
            assertThat(c.read(false).body()).isEqualTo("A " + method + " 11");
            c.send(method + " /b HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n");
            assertThat(c.read(false).body()).isEqualTo("A " + method + " 8");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {501, 502, 500})
    void aFailingBackendIsPassedThroughOnceThenAvoided(int code) throws IOException {
        try (RedisFixture own = new RedisFixture(); HttpBackend bad = new HttpBackend("bad")) {
            bad.status(code);
            String host = own.host("failing");
            own.frontend(host, "failing", bad.url(), a.url());
            int failures = 0;
            try (RawHttp c = new RawHttp(router.http())) {
                for (int i = 0; i < 30; i++) {
                    RawHttp.Response r = c.request("GET", host, "/", "");
                    if (r.status() == code) {
                        failures++;
                        assertThat(r.body()).isEqualTo("bad GET 0");
                    } else {
                        assertThat(r.body()).isEqualTo("A GET 0");
                    }
                }
            }
            assertThat(failures).isLessThanOrEqualTo(1);
            if (failures == 1) {
                assertThat(own.redis.smembers("dead:" + host)).containsExactly("0");
                assertThat(own.redis.ttl("dead:" + host)).isBetween(1L, 30L);
            }
        }
    }

    @Test
    void a503WithRetryAfterDoesNotMarkDead() throws IOException {
        try (RedisFixture own = new RedisFixture();
             RawBackend busy = new RawBackend(RawBackend.answer(
                     "HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy", true))) {
            String host = own.host("busy");
            own.frontend(host, "busy", busy.url(), a.url());
            int busyAnswers = 0;
            for (int i = 0; i < 30; i++) {
                if (RawHttp.get(router.http(), host, "/").status() == 503) {
                    busyAnswers++;
                }
            }
            assertThat(busyAnswers).isGreaterThan(1);
            assertThat(own.redis.exists("dead:" + host)).isZero();
        }
    }

    @Test
    void aRefusedBackendCostsAtMostOne502ThenIsAvoided() throws IOException {
        String refused = "http://127.0.0.1:" + closedPort();
        String host = redis.host("refused");
        redis.frontend(host, "refused", refused, a.url());
        int errors = 0;
        for (int i = 0; i < 20; i++) {
            RawHttp.Response r = RawHttp.get(router.http(), host, "/");
            if (r.status() == 502) {
                errors++;
                assertThat(r.body()).startsWith("502 Bad Gateway: backend " + refused + " refused the connection");
            } else {
                assertThat(r.body()).isEqualTo("A GET 0");
            }
        }
        assertThat(errors).isLessThanOrEqualTo(1);
    }

    @Test
    void retryOnErrorHidesARefusedBackend() throws IOException {
        String host = redis.host("retry");
        redis.frontend(host, "retry", "http://127.0.0.1:" + closedPort(), a.url());
        try (RouterFixture retrying = new RouterFixture("\"retryOnError\": 3")) {
            for (int i = 0; i < 10; i++) {
                assertThat(RawHttp.get(retrying.http(), host, "/").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void noLiveBackendIs502() throws IOException {
        String host = redis.host("dead-only");
        redis.frontend(host, "dead-only", "http://127.0.0.1:" + closedPort());
        RawHttp.Response r = RawHttp.get(router.http(), host, "/");
        assertThat(r.status()).isEqualTo(502);
    }

    @Test
    void malformedRequestIs400AndTheRouterKeepsServing() throws IOException {
        try (RawHttp c = new RawHttp(router.http())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).startsWith("400 Bad Request: malformed request");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(RawHttp.get(router.http(), "__ping__", "/").status()).isEqualTo(200);
    }

    @Test
    void aClientLeavingMidUploadDoesNotDisturbTheRouter() throws IOException {
        String host = redis.host("leaver");
        redis.frontend(host, "leaver", a.url());
        for (int i = 0; i < 3; i++) {
            try (RawHttp c = new RawHttp(router.http())) {
                c.send("POST /up HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000));
            }
        }
        assertThat(RawHttp.get(router.http(), host, "/").body()).isEqualTo("A GET 0");
        assertThat(RawHttp.get(router.http(), "__ping__", "/").status()).isEqualTo(200);
    }

    @Test
    void aBackendClosingBeforeItsContentLengthClosesTheClient() throws IOException {
        try (RawBackend shortBody = new RawBackend(RawBackend.answer(
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-this", true))) {
            String host = redis.host("short");
            redis.frontend(host, "short", shortBody.url());
            try (RawHttp c = new RawHttp(router.http())) {
                c.setTimeout(5000);
                RawHttp.Response r = c.request("GET", host, "/", "");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("only-this");
                assertThat(r.closed()).isTrue();
            }
        }
    }

    @Test
    void bareLfHeadersFromABackendAreAccepted() throws IOException {
        try (RawBackend lf = new RawBackend(RawBackend.answer(
                "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nlf", false))) {
            String host = redis.host("lf");
            redis.frontend(host, "lf", lf.url());
            RawHttp.Response r = RawHttp.get(router.http(), host, "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("lf");
            assertThat(r.header("content-type")).isEqualTo("text/plain");
        }
    }

    @Test
    void aSilentBackendIs504AfterTcpTimeout() throws IOException {
        try (RawBackend silent = new RawBackend(s -> {
            RawBackend.readHead(s.getInputStream());
            s.getInputStream().read();
        })) {
            String host = redis.host("silent");
            redis.frontend(host, "silent", silent.url());
            long start = System.nanoTime();
            RawHttp.Response r = RawHttp.get(router.http(), host, "/");
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.body()).isEqualTo("504 Gateway Timeout: backend " + silent.url()
                    + " did not answer within 2 s (server.tcpTimeout)\n");
            assertThat((System.nanoTime() - start) / 1e9).isBetween(1.5, 6.0);
        }
    }

    @Test
    void xDebugAddsTheDebugHeaders() throws IOException {
        String host = redis.host("debug");
        redis.frontend(host, "debug-app", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            RawHttp.Response r = c.request("GET", host, "/", "X-Debug: 1\r\n");
            assertThat(r.header("x-debug-backend-url")).isEqualTo(a.url());
            assertThat(r.header("x-debug-backend-id")).isEqualTo("0");
            assertThat(r.header("x-debug-vhost")).isEqualTo(host);
            assertThat(r.header("x-debug-frontend-key")).isEqualTo(host);
            assertThat(r.header("x-debug-time-total")).matches("\\d+\\.\\d{3}");
            assertThat(r.header("x-debug-time-backend")).matches("\\d+\\.\\d{3}");
        }
    }

    @Test
    void accessLogHasHipachesLineFormat() throws Exception {
        String host = redis.host("logged");
        redis.frontend(host, "logged-app", a.url());
        try (RawHttp c = new RawHttp(router.http())) {
            c.request("GET", host, "/logged?x=1", "User-Agent: test-agent\r\nReferer: http://ref/\r\n");
        }
        String pattern = "127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] "
                + "\"GET /logged\\?x=1 HTTP/1\\.1\" 200 7 \"http://ref/\" \"test-agent\" \"logged-app\" \\d+\\.\\d{3} \\d+\\.\\d{3}";
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean found = false;
        while (!found && System.nanoTime() < deadline) {
            found = Files.exists(router.accessLog())
                    && Files.readAllLines(router.accessLog()).stream().anyMatch(l -> l.matches(pattern));
            if (!found) {
                Thread.onSpinWait();
            }
        }
        assertThat(found).as("a line matching %s in %s", pattern, router.accessLog()).isTrue();
    }
}
