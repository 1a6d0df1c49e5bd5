package dev.hoop.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hoop.gateway.broker.SessionLedger;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of webhooks: {@link #publish} writes an event into the durable outbox (one row per
 * subscribed endpoint, or one for Svix), from where {@link WebhookDispatcher} delivers it. The event
 * reaches the outbox before {@code publish} returns, so a gateway stopping or crashing afterwards
 * loses nothing. Session events come from {@link #around(SessionLedger)}; the reviews code calls
 * {@link #publish} with {@link #REVIEW_CREATED} and {@link #REVIEW_DECIDED}.
 *
 * <p>The body is the Standard Webhooks envelope {@code {"type", "timestamp", "data"}}; the
 * {@code webhook-id} ({@code msg_…}) stays the same across every retry, so receivers dedupe by it.
 */
public final class WebhookEvents {
    public static final String SESSION_OPEN = "session.open";
    public static final String SESSION_CLOSE = "session.close";
    public static final String REVIEW_CREATED = "review.created";
    public static final String REVIEW_DECIDED = "review.decided";
    public static final Set<String> TYPES = Set.of(SESSION_OPEN, SESSION_CLOSE, REVIEW_CREATED, REVIEW_DECIDED);

    private static final Logger log = LoggerFactory.getLogger(WebhookEvents.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** The {@code data} of session events; the close fields are null in {@code session.open}. */
    public record SessionData(UUID id, UUID orgId, UUID userId, String userEmail, String connection, String connectionType, String verb,
                              Instant startedAt, Instant endedAt, Integer exitCode, String error) {}

    private final Webhooks store;
    private final boolean svix;
    private final Clock clock;
    private final Runnable wake;

    /**
     * @param svix whether messages go to Svix ({@code WEBHOOK_APPKEY}) instead of the configured endpoints
     * @param wake tells the dispatcher that a message is waiting (it also polls)
     */
    public WebhookEvents(Webhooks store, boolean svix, Clock clock, Runnable wake) {
        this.store = Objects.requireNonNull(store, "store");
        this.svix = svix;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.wake = Objects.requireNonNull(wake, "wake");
    }

    /**
     * Writes an event of {@code type} for the org's endpoints into the outbox.
     *
     * @param data serialized with Jackson (snake_case names, ISO-8601 times)
     * @return the message id ({@code webhook-id}), also when no endpoint takes the event
     * @throws IllegalArgumentException for a type outside {@link #TYPES}
     */
    public String publish(UUID orgId, String type, Object data) {
        Objects.requireNonNull(orgId, "orgId");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("webhook event type '" + type + "' is unknown (expected one of " + List.copyOf(TYPES) + ")");
        }
        String msgId = newMessageId();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("timestamp", clock.instant());
        envelope.put("data", data);
        String body;
        try {
            body = JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("webhook event " + type + ": its data cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        int rows = store.enqueue(orgId, msgId, type, body, svix);
        if (rows > 0) {
            log.debug("webhooks: {} {} queued for {} destination(s)", msgId, type, rows);
            wake.run();
        }
        return msgId;
    }

    /**
     * A ledger that records sessions in {@code inner} and, right after each row is written, publishes
     * {@code session.open} / {@code session.close}. A failing publish is logged and does not fail the session.
     */
    public SessionLedger around(SessionLedger inner) {
        Objects.requireNonNull(inner, "inner");
        Map<UUID, SessionLedger.Opened> open = new ConcurrentHashMap<>();
        return new SessionLedger() {
            @Override
            public void opened(Opened s) {
                inner.opened(s);
                open.put(s.id(), s);
                publishQuietly(s.user().orgId(), SESSION_OPEN, data(s, null, null, null), s.id());
            }

            @Override
            public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
                inner.closed(id, exitCode, error, endedAt);
                Opened s = open.remove(id);
                if (s == null) {
                    log.warn("webhooks: session {} closed without having opened in this gateway; no {} event", id, SESSION_CLOSE);
                    return;
                }
                publishQuietly(s.user().orgId(), SESSION_CLOSE, data(s, endedAt, exitCode, error), id);
            }

            @Override
            public void redactions(UUID id, String summaryJson) {
                inner.redactions(id, summaryJson);
            }
        };
    }

    /** {@code session.close} for the sessions a stopped gateway left open, closed at start as {@link Sessions#ORPHANED}. */
    public void orphansClosed(List<Sessions.Session> sessions, Instant endedAt) {
        for (Sessions.Session s : sessions) {
            publishQuietly(s.orgId(), SESSION_CLOSE, new SessionData(s.id(), s.orgId(), s.userId(), s.userEmail(), s.connectionName(),
                    s.connectionType(), s.verb(), s.startedAt().toInstant(), endedAt, null, Sessions.ORPHANED), s.id());
        }
    }

    private void publishQuietly(UUID orgId, String type, SessionData data, UUID session) {
        try {
            publish(orgId, type, data);
        } catch (RuntimeException e) {
            log.error("webhooks: the {} event of session {} could not be queued; it will not be sent", type, session, e);
        }
    }

    private static SessionData data(SessionLedger.Opened s, Instant endedAt, Integer exitCode, String error) {
        return new SessionData(s.id(), s.user().orgId(), s.user().id(), s.user().email(), s.connectionName(), s.connectionType(),
                s.verb(), s.startedAt(), endedAt, exitCode, error);
    }

    /** {@code msg_} + 32 hex digits of a random UUID: unique, and safe in any header. */
    static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }
}
