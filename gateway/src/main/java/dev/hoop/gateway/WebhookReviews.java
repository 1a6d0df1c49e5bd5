package dev.hoop.gateway;

import dev.hoop.gateway.review.ReviewService.ReviewListener;
import dev.hoop.gateway.store.Reviews.Review;
import dev.hoop.gateway.webhook.WebhookEvents;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code review.created} and {@code review.decided} (docs/webhooks.md). The event carries
 * who asked for what and where it stands, not the script itself: a receiver that needs it reads
 * the review through the API, with the access that implies.
 */
final class WebhookReviews implements ReviewListener {
    private static final Logger log = LoggerFactory.getLogger(WebhookReviews.class);

    /** The {@code data} of review events. */
    record ReviewData(UUID id, String type, String status, String connection, String createdBy, Integer durationSec,
                      OffsetDateTime createdAt, OffsetDateTime decidedAt, List<String> pendingGroups, UUID sessionId) {
        static ReviewData of(Review r) {
            return new ReviewData(r.id(), r.type(), r.status(), r.connectionName(), r.createdByEmail(), r.durationSec(),
                    r.createdAt(), r.decidedAt(), r.pendingGroups(), r.sessionId());
        }
    }

    private final WebhookEvents events;

    private WebhookReviews(WebhookEvents events) {
        this.events = events;
    }

    static ReviewListener publishingTo(WebhookEvents events) {
        return new WebhookReviews(events);
    }

    @Override
    public void created(Review review) {
        publish(WebhookEvents.REVIEW_CREATED, review);
    }

    @Override
    public void decided(Review review) {
        publish(WebhookEvents.REVIEW_DECIDED, review);
    }

    /** A failed publish is logged and does not fail the review (the outbox is the durable part). */
    private void publish(String type, Review review) {
        try {
            events.publish(review.orgId(), type, ReviewData.of(review));
        } catch (RuntimeException e) {
            log.error("webhooks: {} for review {} not queued", type, review.id(), e);
        }
    }
}
