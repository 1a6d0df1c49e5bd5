package dev.hoop.gateway.webhook;

import dev.hoop.gateway.store.Webhooks.Claimed;
import java.net.URI;
import java.time.Clock;
import java.util.Map;

/** Delivers a message to its endpoint, signed the Standard Webhooks way with the endpoint's secret. */
final class DirectSender implements Sender {
    private final HttpDelivery http;
    private final Clock clock;

    DirectSender(HttpDelivery http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public Outcome send(Claimed row) throws InterruptedException {
        // the timestamp is the attempt's (receivers refuse old ones), the id the message's (receivers dedupe by it)
        long timestamp = clock.instant().getEpochSecond();
        HttpDelivery.Answer a = http.post(URI.create(row.url()), Map.of(
                "webhook-id", row.msgId(),
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", Signature.sign(row.secret(), row.msgId(), timestamp, row.payload())), row.payload());
        if (a.ok()) {
            return new Outcome(true, a.status(), null);
        }
        if (a.status() == null) {
            return new Outcome(false, null, a.error());
        }
        String preview = a.bodyPreview() == null || a.bodyPreview().isEmpty() ? "" : ": " + a.bodyPreview();
        return new Outcome(false, a.status(), "HTTP " + a.status() + preview);
    }
}
