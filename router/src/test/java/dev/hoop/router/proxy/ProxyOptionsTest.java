package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.HttpBackend;
import dev.hoop.router.RawBackend;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** server.staticDir pages, server.lruCache, server.maxSockets with server.httpKeepAlive. */
class ProxyOptionsTest {
    @Test
    void errorPagesComeFromStaticDir() throws IOException {
        Path dir = Files.createTempDirectory("router-static");
        Files.writeString(dir.resolve("error_400.html"), "<h1>no such site</h1>");
        Files.writeString(dir.resolve("error_default.html"), "<h1>something broke</h1>");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RedisFixture redis = new RedisFixture();
             RouterFixture router = new RouterFixture("\"staticDir\": \"" + dir + "\"")) {
            RawHttp.Response unknown = RawHttp.get(router.http(), redis.host("unknown"), "/");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).isEqualTo("<h1>no such site</h1>");
            assertThat(unknown.header("content-type")).isEqualTo("text/html; charset=utf-8");
            String host = redis.host("down");
            redis.frontend(host, "down", "http://127.0.0.1:" + closed);
            RawHttp.Response down = RawHttp.get(router.http(), host, "/");
            assertThat(down.status()).isEqualTo(502);
            assertThat(down.body()).isEqualTo("<h1>something broke</h1>");
            assertThat(down.header("cache-control")).isEqualTo("no-cache, no-store, must-revalidate");
        }
    }

    @Test
    void theLruCacheAnswersWithoutRedisUntilItsTtl() throws IOException {
        try (RedisFixture redis = new RedisFixture(); HttpBackend a = new HttpBackend("A"); HttpBackend b = new HttpBackend("B");
             RouterFixture router = new RouterFixture("\"lruCache\": {\"size\": 10, \"ttl\": 1}")) {
            String host = redis.host("lru");
            redis.frontend(host, "lru", a.url());
            assertThat(RawHttp.get(router.http(), host, "/").body()).isEqualTo("A GET 0");
            redis.frontend(host, "lru", b.url()); // changed in Redis: the cache still answers A for up to 1 s
            assertThat(RawHttp.get(router.http(), host, "/").body()).isEqualTo("A GET 0");
            long deadline = System.nanoTime() + 5_000_000_000L;
            String body = "";
            while (!body.equals("B GET 0") && System.nanoTime() < deadline) {
                body = RawHttp.get(router.http(), host, "/").body();
            }
            assertThat(body).isEqualTo("B GET 0");
        }
    }

    @Test
    void aRequestOnAPooledConnectionTheBackendDroppedIsReplayedOnANewOne() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        RawBackend.Script closesOnSecondRequest = s -> {
            connections.incrementAndGet();
            InputStream in = s.getInputStream();
            RawBackend.readHead(in);
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            RawBackend.readHead(in); // the next request on this connection: dropped unanswered, as a keep-alive timeout race
        };
        try (RedisFixture redis = new RedisFixture(); RawBackend backend = new RawBackend(closesOnSecondRequest);
             RouterFixture router = new RouterFixture("\"workers\": 1, \"httpKeepAlive\": true")) {
            String host = redis.host("replay");
            redis.frontend(host, "replay", backend.url());
            try (RawHttp c = new RawHttp(router.http())) {
                for (int i = 0; i < 3; i++) {
                    RawHttp.Response r = c.request("GET", host, "/" + i, "");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ok");
                }
            }
            assertThat(connections.get()).isEqualTo(3);
        }
    }

    @Test
    void maxSocketsBoundsBackendConnectionsAndKeepAliveReusesThem() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        RawBackend.Script keepAlive = s -> {
            connections.incrementAndGet();
            InputStream in = s.getInputStream();
            while (!RawBackend.readHead(in).isEmpty()) {
                int n = requests.incrementAndGet();
                String body = "r" + n;
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
        };
        try (RedisFixture redis = new RedisFixture(); RawBackend backend = new RawBackend(keepAlive);
             RouterFixture router = new RouterFixture("\"workers\": 1, \"maxSockets\": 1, \"httpKeepAlive\": true")) {
            String host = redis.host("pool");
            redis.frontend(host, "pool", backend.url());
            CompletableFuture<?>[] clients = new CompletableFuture<?>[8];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = CompletableFuture.runAsync(() -> {
                    try (RawHttp c = new RawHttp(router.http())) {
                        for (int j = 0; j < 5; j++) {
                            assertThat(c.request("GET", host, "/", "").status()).isEqualTo(200);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            CompletableFuture.allOf(clients).join();
            assertThat(requests.get()).isEqualTo(40);
            assertThat(connections.get()).as("backend connections with maxSockets=1 on one worker").isEqualTo(1);
        }
    }
}
