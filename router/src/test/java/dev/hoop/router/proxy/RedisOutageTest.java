package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.HttpBackend;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's own redis-server is stopped and restarted while requests flow: requests get a
 * 502 page quickly (never hang), the router keeps running and reconnects by itself.
 */
class RedisOutageTest {
    private Process redis;
    private int port;

    private void startRedis() throws IOException, InterruptedException {
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not start within 10 s");
    }

    @AfterEach
    void stop() {
        if (redis != null) {
            redis.destroyForcibly();
        }
    }

    @Test
    void requestsGet502WhileRedisIsDownAndRoutingResumesAfterwards() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startRedis();
        try (HttpBackend backend = new HttpBackend("R");
             RouterFixture router = new RouterFixture("\"tcpTimeout\": 5", "\"redis://127.0.0.1:" + port + "\"", "")) {
            RedisFixture before = new RedisFixture(port);
            String host = before.host("outage");
            before.frontend(host, "outage", backend.url());
            assertThat(RawHttp.get(router.http(), host, "/").status()).isEqualTo(200);

            before.close(); // its keys go with the Redis anyway (--save '')
            redis.destroyForcibly().waitFor();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                RawHttp.Response r = RawHttp.get(router.http(), host, "/");
                assertThat(r.status()).isEqualTo(502);
                assertThat(r.body()).startsWith("502 Bad Gateway: route store unavailable (");
                assertThat((System.nanoTime() - start) / 1e9).isLessThan(3.5);
            }
            assertThat(RawHttp.get(router.http(), "__ping__", "/").status()).isEqualTo(200);

            startRedis(); // --save '': the data is gone, as after a real Redis loss
            RedisFixture after = new RedisFixture(port);
            after.frontend(host, "outage", backend.url());
            long restarted = System.nanoTime();
            long deadline = restarted + TimeUnit.SECONDS.toNanos(30);
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                status = RawHttp.get(router.http(), host, "/").status();
            }
            assertThat(status).as("routing after Redis came back").isEqualTo(200);
            assertThat((System.nanoTime() - restarted) / 1e9).as("seconds to reconnect").isLessThan(5.0);
            assertThat(router.router.metrics().render()).containsPattern("router_store_errors_total [1-9]");
            after.close();
        }
    }
}
