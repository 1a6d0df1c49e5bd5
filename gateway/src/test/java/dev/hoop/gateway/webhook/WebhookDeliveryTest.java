package dev.hoop.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.gateway.config.WebhookSettings;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.store.Webhooks.Delivery;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbox and its dispatcher against the real PostgreSQL and real HTTP receivers on ephemeral
 * ports: retries with the same id, signatures, filters, several dispatchers on one database, Svix
 * through a local stand-in, and what reaches the logs.
 */
class WebhookDeliveryTest extends WebhookDeliveryFixture {
    @Test
    void retriesUntilTheReceiverTakesItWithTheSameIdAndAFreshValidSignatureEachTime() throws Exception {
        TestReceiver r = receiver().behave((x, body, i) -> i < 2 ? 500 : 204);
        Webhooks.Endpoint ep = endpoint("retry", r.url("/hook"), List.of());
        WebhookEvents events = events(dispatcher(settings(5, Duration.ofSeconds(2))), false);

        String id = events.publish(org, WebhookEvents.REVIEW_CREATED, Map.of("review_id", "r-1", "connection", "pg"));
        awaitStatus(id, Webhooks.DELIVERED);

        List<TestReceiver.Request> got = r.requests();
        assertThat(got).extracting(TestReceiver.Request::answered).containsExactly(500, 500, 204);
        for (TestReceiver.Request q : got) {
            assertThat(q.method()).isEqualTo("POST");
            assertThat(q.path()).isEqualTo("/hook");
            assertThat(q.header("webhook-id")).isEqualTo(id).startsWith("msg_");
            assertThat(q.header("content-type")).isEqualTo("application/json");
            long ts = Long.parseLong(q.header("webhook-timestamp"));
            assertThat(ts).isCloseTo(System.currentTimeMillis() / 1000, within(60L));
            assertThat(Signature.verify(ep.secret(), id, ts, q.body(), q.header("webhook-signature"))).as("signature").isTrue();
            assertThat(Signature.verify(Signature.newSecret(), id, ts, q.body(), q.header("webhook-signature"))).isFalse();
            assertThat(q.body()).isEqualTo(got.getFirst().body());
        }
        JsonNode body = JSON.readTree(got.getFirst().body());
        assertThat(body.get("type").asText()).isEqualTo("review.created");
        assertThat(body.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(body.get("data").get("review_id").asText()).isEqualTo("r-1");
        assertThat(body.size()).isEqualTo(3);

        Delivery d = store.deliveries(org, ep.id(), 10, 0).getFirst();
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastStatus()).isEqualTo(204);
        assertThat(d.deliveredAt()).isNotNull();
        assertThat(store.attempts(List.of(d.id()))).extracting(Webhooks.Attempt::statusCode).containsExactly(500, 500, 204);
        assertThat(store.attempts(List.of(d.id()))).extracting(Webhooks.Attempt::error).containsExactly("HTTP 500", "HTTP 500", null);
    }

    @Test
    void onlyEnabledEndpointsThatTakeTheTypeGetTheEvent() throws Exception {
        TestReceiver r = receiver();
        endpoint("opens-only", r.url("/opens"), List.of(WebhookEvents.SESSION_OPEN));
        endpoint("all", r.url("/all"), List.of());
        Webhooks.Endpoint off = endpoint("off", r.url("/off"), List.of());
        store.update(org, off.id(), off.url(), List.of(), false);
        WebhookEvents events = events(dispatcher(settings(3, Duration.ofSeconds(2))), false);

        String close = events.publish(org, WebhookEvents.SESSION_CLOSE, Map.of("id", "s"));
        String open = events.publish(org, WebhookEvents.SESSION_OPEN, Map.of("id", "s"));
        awaitStatus(close, Webhooks.DELIVERED);
        awaitStatus(open, Webhooks.DELIVERED);

        assertThat(r.requests()).extracting(q -> q.path() + " " + q.header("webhook-id"))
                .containsExactlyInAnyOrder("/all " + close, "/all " + open, "/opens " + open);
        assertThat(store.byMessage(close)).hasSize(1);
    }

    @Test
    void unknownTypesAreRefusedAndAnOrgWithoutEndpointsQueuesNothing() {
        WebhookEvents events = events(dispatcher(settings(3, Duration.ofSeconds(2))), false);
        assertThatThrownBy(() -> events.publish(org, "session.opened", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook event type 'session.opened' is unknown");
        String id = events.publish(org, WebhookEvents.REVIEW_DECIDED, Map.of("status", "APPROVED"));
        assertThat(id).matches("msg_[0-9a-f]{32}");
        assertThat(store.byMessage(id)).isEmpty();
    }

    @Test
    void twoGatewaysOnOneDatabaseDeliverEachMessageOnce() throws Exception {
        TestReceiver r = receiver();
        endpoint("shared", r.url("/"), List.of());
        WebhookDispatcher a = dispatcher(settings(3, Duration.ofSeconds(5)));
        WebhookDispatcher b = dispatcher(settings(3, Duration.ofSeconds(5)));
        WebhookEvents viaA = events(a, false);
        WebhookEvents viaB = events(b, false);

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            ids.add((i % 2 == 0 ? viaA : viaB).publish(org, WebhookEvents.SESSION_OPEN, Map.of("n", i)));
        }
        TestReceiver.await("30 messages delivered", WAIT, () -> ids.stream().allMatch(id -> store.byMessage(id).getFirst().status()
                .equals(Webhooks.DELIVERED)));
        List<String> received = r.requests().stream().map(q -> q.header("webhook-id")).toList();
        assertThat(received).hasSize(30).doesNotHaveDuplicates();
        assertThat(Set.copyOf(received)).isEqualTo(ids);
    }

    @Test
    void whatAStoppedDispatcherLeftIsDeliveredByTheNextOne() throws Exception {
        TestReceiver r = receiver().behave((x, body, i) -> i < 2 ? 500 : 200);
        endpoint("later", r.url("/"), List.of());
        WebhookDispatcher first = WebhookDispatcher.start(store, new WebhookSettings(null, URI.create(WebhookSettings.DEFAULT_SVIX_URL),
                Duration.ofMinutes(10), 5, Duration.ofSeconds(2)), Clock.systemUTC());
        String id = new WebhookEvents(store, false, Clock.systemUTC(), first::wake).publish(org, WebhookEvents.SESSION_OPEN, Map.of());
        TestReceiver.await("the first attempt", WAIT, () -> r.requests().size() == 1);
        TestReceiver.await("the first attempt is recorded", WAIT, () -> store.byMessage(id).getFirst().attempts() == 1);
        first.close();
        assertThat(store.byMessage(id).getFirst().status()).isEqualTo(Webhooks.PENDING);

        // the next gateway: due at once here (a real restart waits for the backoff)
        pg.execHere("UPDATE hoop.webhook_outbox SET next_attempt_at = now() WHERE msg_id = '" + id + "'");
        dispatcher(settings(5, Duration.ofSeconds(2)));
        awaitStatus(id, Webhooks.DELIVERED);
        assertThat(r.requests()).extracting(q -> q.header("webhook-id")).containsOnly(id);
        assertThat(r.requests()).extracting(TestReceiver.Request::answered).containsExactly(500, 500, 200);
    }

    @Test
    void anAttemptCutShortByAnOrderlyStopIsGivenBackWithoutCounting() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        closing.add(release::countDown);
        java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
        TestReceiver r = receiver().behave((x, body, i) -> {
            // (i counts answered requests: the first is still unanswered when the second arrives)
            if (arrivals.getAndIncrement() == 0) {
                arrived.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        });
        endpoint("stopping", r.url("/"), List.of());
        WebhookDispatcher first = WebhookDispatcher.start(store, settings(5, Duration.ofSeconds(20)), Clock.systemUTC());
        String id = new WebhookEvents(store, false, Clock.systemUTC(), first::wake).publish(org, WebhookEvents.SESSION_OPEN, Map.of());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        first.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the stop does not wait for the receiver").isLessThan(Duration.ofSeconds(5));

        Delivery left = store.byMessage(id).getFirst();
        assertThat(left.status()).isEqualTo(Webhooks.PENDING);
        assertThat(left.attempts()).isZero();
        assertThat(left.nextAttemptAt()).isBefore(java.time.OffsetDateTime.now().plusSeconds(1));

        dispatcher(settings(5, Duration.ofSeconds(2)));
        awaitStatus(id, Webhooks.DELIVERED);
        assertThat(store.byMessage(id).getFirst().attempts()).isEqualTo(1);
    }

    @Test
    void throughSvixTheMessageGoesToTheOrgsApplicationOnceAndNeverToTheEndpoints() throws Exception {
        TestReceiver direct = receiver();
        endpoint("local", direct.url("/"), List.of());
        TestReceiver svix = receiver().behave((x, body, i) -> i == 0 ? 500 : 409);
        String appKey = "testsk_" + UUID.randomUUID();
        WebhookSettings s = new WebhookSettings(appKey, URI.create("http://127.0.0.1:" + svix.port()), Duration.ofMillis(100), 5,
                Duration.ofSeconds(2));
        WebhookDispatcher d = dispatcher(s);
        String id = events(d, true).publish(org, WebhookEvents.REVIEW_DECIDED, Map.of("status", "APPROVED"));
        awaitStatus(id, Webhooks.DELIVERED);

        assertThat(direct.requests()).isEmpty();
        assertThat(svix.requests()).hasSize(2).allSatisfy(q -> {
            assertThat(q.method()).isEqualTo("POST");
            assertThat(q.path()).isEqualTo("/api/v1/app/" + org + "/msg/");
            assertThat(q.header("authorization")).isEqualTo("Bearer " + appKey);
            assertThat(q.header("idempotency-key")).isEqualTo(id);
            JsonNode m = JSON.readTree(q.body());
            assertThat(m.get("eventType").asText()).isEqualTo("review.decided");
            assertThat(m.get("eventId").asText()).isEqualTo(id);
            assertThat(m.get("payload").get("type").asText()).isEqualTo("review.decided");
            assertThat(m.get("payload").get("data").get("status").asText()).isEqualTo("APPROVED");
            assertThat(m.get("application").get("uid").asText()).isEqualTo(org.toString());
        });
        assertThat(store.byMessage(id)).singleElement().satisfies(row -> {
            assertThat(row.endpointId()).isNull();
            assertThat(row.lastStatus()).isEqualTo(409);
        });
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(appKey));
    }

    @Test
    void secretsAndEndpointUrlsNeverReachTheLogs() throws Exception {
        TestReceiver r = receiver().behave((x, body, i) -> i < 2 ? 500 : 200);
        String token = "T0KEN" + UUID.randomUUID().toString().replace("-", "");
        Webhooks.Endpoint ep = endpoint("secretive", r.url("/hooks/" + token), List.of());
        WebhookEvents events = events(dispatcher(settings(5, Duration.ofSeconds(2))), false);
        String id = events.publish(org, WebhookEvents.SESSION_OPEN, Map.of());
        awaitStatus(id, Webhooks.DELIVERED);

        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                : e.getThrowableProxy().getMessage())).toList();
        assertThat(lines).anyMatch(l -> l.contains(id) && l.contains("endpoint 'secretive'") && l.contains("HTTP 500"));
        String keyPart = ep.secret().substring(Signature.PREFIX.length());
        assertThat(lines).noneMatch(l -> l.contains(keyPart) || l.contains(token) || l.contains(Signature.PREFIX));
        assertThat(ep.toString()).doesNotContain(keyPart);
    }
}
