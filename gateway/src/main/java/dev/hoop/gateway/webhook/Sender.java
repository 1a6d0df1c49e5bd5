package dev.hoop.gateway.webhook;

import dev.hoop.gateway.store.Webhooks.Claimed;

/** Makes one delivery attempt of a claimed outbox row. */
interface Sender {
    /**
     * @param delivered whether the destination took the message (a 2xx, or what counts as one)
     * @param status    the HTTP status, or null when none came back
     * @param error     why it was not delivered (no secrets, no URLs), or null
     */
    record Outcome(boolean delivered, Integer status, String error) {}

    /** Never throws for a failed delivery: that is an {@link Outcome}. Throws InterruptedException when the gateway stops. */
    Outcome send(Claimed row) throws InterruptedException;
}
