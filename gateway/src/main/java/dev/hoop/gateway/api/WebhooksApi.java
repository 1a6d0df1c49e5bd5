package dev.hoop.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.gateway.store.DuplicateException;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.store.Webhooks.Attempt;
import dev.hoop.gateway.store.Webhooks.Delivery;
import dev.hoop.gateway.store.Webhooks.Endpoint;
import dev.hoop.gateway.webhook.Signature;
import dev.hoop.gateway.webhook.WebhookEvents;
import io.helidon.http.Method;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Webhook endpoints ({@code /api/webhooks[/{name}]}, admins only) and their delivery log
 * ({@code /api/webhooks/{name}/deliveries}). The endpoint's signing secret is answered once, by the
 * create call, and never again. URLs are admin input and the gateway calls them: see docs/webhooks.md on SSRF.
 */
final class WebhooksApi {
    static final int MAX_URL = 2048;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    record EndpointView(UUID id, String name, String url, List<String> events, boolean enabled, OffsetDateTime createdAt,
                        OffsetDateTime updatedAt) {
        static EndpointView of(Endpoint e) {
            return new EndpointView(e.id(), e.name(), e.url(), e.eventTypes(), e.enabled(), e.createdAt(), e.updatedAt());
        }
    }

    /** The create answer, the one time the secret is shown; {@link #toString()} hides it. */
    record Created(UUID id, String name, String url, List<String> events, boolean enabled, String secret) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", name=" + name + ", secret=****]";
        }
    }

    record Create(String name, String url, List<String> events, Boolean enabled) {}

    record Update(String url, List<String> events, Boolean enabled) {}

    record AttemptView(int attempt, OffsetDateTime at, Integer statusCode, String error, long durationMs) {}

    record DeliveryView(String msgId, String eventType, String status, int attempts, Integer lastStatus, String lastError,
                        OffsetDateTime createdAt, OffsetDateTime nextAttemptAt, OffsetDateTime deliveredAt, JsonNode payload,
                        List<AttemptView> log) {}

    private final Webhooks webhooks;

    WebhooksApi(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/webhooks", Access.ADMIN, c -> Reply.ok(webhooks.list(c.orgId()).stream().map(EndpointView::of).toList())),
                Route.of(Method.POST, "/api/webhooks", Access.ADMIN, this::create),
                Route.of(Method.GET, "/api/webhooks/{name}", Access.ADMIN, c -> Reply.ok(EndpointView.of(find(c)))),
                Route.of(Method.PUT, "/api/webhooks/{name}", Access.ADMIN, this::update),
                Route.of(Method.DELETE, "/api/webhooks/{name}", Access.ADMIN, this::delete),
                Route.of(Method.GET, "/api/webhooks/{name}/deliveries", Access.ADMIN, this::deliveries));
    }

    private Reply create(Call c) {
        Create in = c.body(Create.class, "{\"name\", \"url\": \"https://…\", \"events\": [\"session.open\", …]}");
        String name = Validate.name("name", in.name());
        String url = url(in.url());
        List<String> events = events(in.events());
        String secret = Signature.newSecret();
        try {
            Endpoint e = webhooks.create(c.orgId(), name, url, secret, events);
            if (in.enabled() != null && !in.enabled()) {
                e = webhooks.update(c.orgId(), e.id(), e.url(), e.eventTypes(), false).orElseThrow();
            }
            return Reply.created(new Created(e.id(), e.name(), e.url(), e.eventTypes(), e.enabled(), secret));
        } catch (DuplicateException e) {
            throw ApiException.conflict("webhook '" + name + "' exists already (delete it first, or choose another name)");
        }
    }

    private Reply update(Call c) {
        Endpoint e = find(c);
        Update in = c.body(Update.class, "{\"url\", \"events\": [...], \"enabled\": true|false} (each optional)");
        String url = in.url() == null ? e.url() : url(in.url());
        List<String> events = in.events() == null ? e.eventTypes() : events(in.events());
        boolean enabled = in.enabled() == null ? e.enabled() : in.enabled();
        return Reply.ok(EndpointView.of(webhooks.update(c.orgId(), e.id(), url, events, enabled)
                .orElseThrow(() -> ApiException.notFound("webhook '" + c.param("name") + "' not found"))));
    }

    private Reply delete(Call c) {
        Endpoint e = find(c);
        if (!webhooks.delete(c.orgId(), e.id())) {
            throw ApiException.notFound("webhook '" + c.param("name") + "' not found");
        }
        return Reply.noContent();
    }

    private Reply deliveries(Call c) {
        Endpoint e = find(c);
        int limit = intParam(c, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(c, "offset", 0, 0, Integer.MAX_VALUE);
        List<Delivery> rows = webhooks.deliveries(c.orgId(), e.id(), limit, offset);
        Map<Long, List<AttemptView>> log = webhooks.attempts(rows.stream().map(Delivery::id).toList()).stream()
                .collect(Collectors.groupingBy(Attempt::outboxId,
                        Collectors.mapping(a -> new AttemptView(a.attempt(), a.at(), a.statusCode(), a.error(), a.durationMs()), Collectors.toList())));
        return Reply.ok(rows.stream().map(d -> new DeliveryView(d.msgId(), d.eventType(), d.status(), d.attempts(), d.lastStatus(),
                d.lastError(), d.createdAt(), Webhooks.PENDING.equals(d.status()) ? d.nextAttemptAt() : null, d.deliveredAt(),
                payload(d.payload()), log.getOrDefault(d.id(), List.of()))).toList());
    }

    private Endpoint find(Call c) {
        String name = c.param("name");
        return webhooks.find(c.orgId(), name).orElseThrow(() -> ApiException.notFound("webhook '" + name + "' not found"));
    }

    /** An absolute http(s) URL with a host, without credentials or fragment. */
    static String url(String value) {
        String expected = "an http:// or https:// URL with a host, at most " + MAX_URL + " characters, without user:password@";
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("missing field 'url' (expected: " + expected + ")");
        }
        String v = value.strip();
        if (v.length() > MAX_URL) {
            throw ApiException.badRequest("url has " + v.length() + " characters (expected: " + expected + ")");
        }
        try {
            URI u = new URI(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw ApiException.badRequest("url scheme '" + scheme + "' is not allowed (expected: " + expected + ")");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw ApiException.badRequest("url '" + v + "' has no host (expected: " + expected + ")");
            }
            if (u.getRawUserInfo() != null) {
                // credentials in a URL end up in logs and answers; a receiver authenticates the signature instead
                throw ApiException.badRequest("url carries user:password@ (expected: " + expected + "; receivers verify the signature)");
            }
            if (u.getRawFragment() != null) {
                throw ApiException.badRequest("url has a #fragment (expected: " + expected + ")");
            }
            return v;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url is not a valid URL: " + e.getReason() + " (expected: " + expected + ")");
        }
    }

    /** Known event types, each once, sorted; null or empty: every type. */
    static List<String> events(List<String> events) {
        if (events == null) {
            return List.of();
        }
        for (String t : events) {
            if (t == null || !WebhookEvents.TYPES.contains(t)) {
                throw ApiException.badRequest("event type '" + t + "' is unknown (expected some of " + new TreeSet<>(WebhookEvents.TYPES)
                        + ", or none for all)");
            }
        }
        return List.copyOf(new TreeSet<>(events));
    }

    private static JsonNode payload(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(json);
        }
    }

    private static int intParam(Call c, String name, int dflt, int min, int max) {
        String v = c.query(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below with the parameter's name
        }
        throw ApiException.badRequest(name + " '" + v + "' is not valid (expected: a number from " + min + " to " + max + ")");
    }
}
