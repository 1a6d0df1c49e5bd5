package dev.hoop.gateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.gateway.store.Webhooks.Claimed;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands a message to Svix ({@code WEBHOOK_APPKEY}): {@code POST /api/v1/app/{org id}/msg/}, the
 * application created on the way when it does not exist yet (its uid is the org's id). Svix then
 * signs, fans out to the endpoints registered there, and retries. The message id goes as
 * {@code eventId} and {@code idempotency-key}, so a repeated hand-over (after a lost answer) is one
 * message; Svix's 409 for a known {@code eventId} counts as delivered.
 */
final class SvixSender implements Sender {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpDelivery http;
    private final URI base;
    private final String appKey;

    SvixSender(HttpDelivery http, URI base, String appKey) {
        this.http = http;
        this.base = base;
        this.appKey = appKey;
    }

    @Override
    public Outcome send(Claimed row) throws InterruptedException {
        String body;
        try {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("eventType", row.eventType());
            msg.put("eventId", row.msgId());
            msg.put("payload", JSON.readTree(row.payload()));
            msg.put("application", Map.of("uid", row.orgId().toString(), "name", "hoop org " + row.orgId()));
            body = JSON.writeValueAsString(msg);
        } catch (JsonProcessingException e) {
            return new Outcome(false, null, "the stored payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Outcome(false, null, "the stored payload is unreadable: " + e.getMessage());
        }
        URI url = URI.create(base + "/api/v1/app/" + row.orgId() + "/msg/");
        HttpDelivery.Answer a = http.post(url, Map.of("authorization", "Bearer " + appKey, "idempotency-key", row.msgId()), body);
        if (a.ok() || Integer.valueOf(409).equals(a.status())) {
            return new Outcome(true, a.status(), null);
        }
        if (a.status() == null) {
            return new Outcome(false, null, "Svix: " + a.error());
        }
        String preview = a.bodyPreview() == null || a.bodyPreview().isEmpty() ? "" : ": " + a.bodyPreview();
        return new Outcome(false, a.status(), "Svix answered HTTP " + a.status() + preview);
    }
}
