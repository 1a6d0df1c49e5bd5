package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.HttpBackend;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Dead marks expire after deadBackendTTL, and metrics count them on the admin port. */
class DeadMarkTest {
    @Test
    void aDeadMarkExpiresAfterTheTtlAndIsCounted() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RedisFixture redis = new RedisFixture(); HttpBackend live = new HttpBackend("L");
             RouterFixture router = new RouterFixture("\"deadBackendTTL\": 1, \"retryOnError\": 0, "
                     + "\"metrics\": {\"port\": 0}")) {
            String host = redis.host("ttl");
            String refused = "http://127.0.0.1:" + closed;
            redis.frontend(host, "ttl-app", refused, live.url());
            int status = 200;
            while (status == 200) {
                status = RawHttp.get(router.http(), host, "/").status(); // until the refused one is tried
            }
            assertThat(status).isEqualTo(502);
            assertThat(redis.redis.smembers("dead:" + host)).containsExactly("0");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (redis.redis.exists("dead:" + host) == 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(redis.redis.exists("dead:" + host)).as("dead mark gone after its TTL").isZero();

            var admin = router.router.metricsAddress();
            HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("router_dead_marks_total{frontend=\"ttl-app\"} 1")
                    .contains("router_requests_total{status=\"502\",frontend=\"ttl-app\"} 1")
                    .contains("router_backend_latency_seconds_bucket{le=\"+Inf\"}");
        }
    }
}
