package dev.hoop.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.store.Webhooks.Delivery;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Receivers that fail the dispatcher, against the real PostgreSQL and real HTTP receivers on
 * ephemeral ports: one that never answers, an endless answer, redirects and a refused connection.
 * Each is a failed attempt with its reason, and none holds up the other endpoints.
 */
class WebhookReceiverFailuresTest extends WebhookDeliveryFixture {
    @Test
    void aReceiverThatNeverAnswersHoldsNobodyElseUpAndTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        closing.add(release::countDown);
        TestReceiver slow = receiver().behave((x, body, i) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        TestReceiver fast = receiver();
        Webhooks.Endpoint slowEp = endpoint("slow", slow.url("/"), List.of());
        endpoint("fast", fast.url("/"), List.of());
        WebhookEvents events = events(dispatcher(settings(1, Duration.ofSeconds(2))), false);

        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            ids.add(events.publish(org, WebhookEvents.SESSION_OPEN, Map.of("n", i)));
        }
        TestReceiver.await("the fast receiver has all 5", WAIT, () -> fast.requests().size() == 5);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not held up by the slow receiver").isLessThan(Duration.ofMillis(1900));

        TestReceiver.await("the slow endpoint's attempts timed out", WAIT,
                () -> store.deliveries(org, slowEp.id(), 10, 0).stream().allMatch(d -> d.status().equals(Webhooks.FAILED)));
        assertThat(store.deliveries(org, slowEp.id(), 10, 0)).hasSize(5)
                .allSatisfy(d -> assertThat(d.lastError()).isEqualTo("no answer within 2000 ms"));
    }

    @Test
    void aHugeOrEndlessAnswerIsNotReadWhole() throws Exception {
        AtomicLong written = new AtomicLong();
        TestReceiver r = receiver().behave((x, body, i) -> {
            x.sendResponseHeaders(i == 0 ? 500 : 200, 0);
            byte[] chunk = "x".repeat(64 * 1024).getBytes();
            try (OutputStream out = x.getResponseBody()) {
                // endless: only the gateway hanging up ends it
                for (int n = 0; n < 100_000; n++) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException hungUp) {
                return -1;
            }
            return -1;
        });
        Webhooks.Endpoint ep = endpoint("huge", r.url("/"), List.of());
        WebhookEvents events = events(dispatcher(settings(3, Duration.ofSeconds(3))), false);

        String id = events.publish(org, WebhookEvents.SESSION_OPEN, Map.of());
        awaitStatus(id, Webhooks.DELIVERED);
        TestReceiver.await("both answers were cut off", WAIT, () -> r.requests().size() == 2);

        Delivery d = store.deliveries(org, ep.id(), 10, 0).getFirst();
        List<Webhooks.Attempt> attempts = store.attempts(List.of(d.id()));
        assertThat(attempts).extracting(Webhooks.Attempt::statusCode).containsExactly(500, 200);
        assertThat(attempts.getFirst().error()).isEqualTo("HTTP 500: " + "x".repeat(HttpDelivery.BODY_PREVIEW));
        assertThat(attempts).allSatisfy(a -> assertThat(a.durationMs()).isLessThan(3000));
        assertThat(written.get()).as("bytes the receiver got out before the gateway hung up").isLessThan(64L * 1024 * 1024);
    }

    @Test
    void redirectsAreNotFollowedAndTheLastAttemptMarksItFailed() throws Exception {
        TestReceiver elsewhere = receiver();
        TestReceiver r = receiver().behave((x, body, i) -> {
            x.getResponseHeaders().add("location", elsewhere.url("/internal"));
            return 302;
        });
        Webhooks.Endpoint ep = endpoint("redirect", r.url("/"), List.of());
        WebhookEvents events = events(dispatcher(settings(3, Duration.ofSeconds(2))), false);

        String id = events.publish(org, WebhookEvents.SESSION_CLOSE, Map.of());
        awaitStatus(id, Webhooks.FAILED);

        assertThat(r.requests()).hasSize(3);
        assertThat(elsewhere.requests()).isEmpty();
        Delivery d = store.deliveries(org, ep.id(), 10, 0).getFirst();
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastError()).isEqualTo("HTTP 302");
    }

    @Test
    void aRefusedConnectionIsAFailedAttemptThatIsRetried() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Webhooks.Endpoint ep = endpoint("nobody", "http://127.0.0.1:" + port + "/", List.of());
        WebhookEvents events = events(dispatcher(settings(2, Duration.ofSeconds(2))), false);
        String id = events.publish(org, WebhookEvents.SESSION_OPEN, Map.of());
        awaitStatus(id, Webhooks.FAILED);
        Delivery d = store.deliveries(org, ep.id(), 10, 0).getFirst();
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.lastStatus()).isNull();
        assertThat(d.lastError()).startsWith("connection refused or unreachable");
    }
}
