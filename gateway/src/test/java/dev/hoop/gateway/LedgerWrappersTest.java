package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.broker.SessionLedger;
import dev.hoop.gateway.review.ReviewService;
import dev.hoop.gateway.store.Reviews;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.webhook.WebhookEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledgers the gateway wraps around the stored one (webhooks, reviews) pass every call on: a
 * wrapper that kept the interface's default for {@code redactions} once lost every session's
 * redaction counts.
 */
class LedgerWrappersTest {
    private static final class Recorder implements SessionLedger {
        final List<String> calls = new ArrayList<>();

        @Override
        public void opened(Opened session) {
            calls.add("opened");
        }

        @Override
        public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
            calls.add("closed " + id);
        }

        @Override
        public void redactions(UUID id, String summaryJson) {
            calls.add("redactions " + id + " " + summaryJson);
        }
    }

    @Test
    void theWebhookAndReviewWrappersPassRedactionCountsOn() {
        Recorder stored = new Recorder();
        WebhookEvents webhooks = new WebhookEvents(new Webhooks(null), false, Clock.systemUTC(), () -> { });
        ReviewService reviews = new ReviewService(new Reviews(null), new Revocations(), () -> "http://gw", List.of());
        try {
            SessionLedger wrapped = reviews.tracking(webhooks.around(stored));
            UUID id = UUID.randomUUID();
            wrapped.redactions(id, "{\"EMAIL_ADDRESS\":2}");
            assertThat(stored.calls).containsExactly("redactions " + id + " {\"EMAIL_ADDRESS\":2}");
        } finally {
            reviews.close();
        }
    }
}
