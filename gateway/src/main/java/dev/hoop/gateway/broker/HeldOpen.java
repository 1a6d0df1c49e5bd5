package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The client side of a session held by a review (SPEC 2, review): WaitingApproval with the
 * review's URL and the groups still to decide, then ApproveOK (the client sends its
 * AgentSessionOpen again) or ClientSessionClose with the rejection's reason.
 */
final class HeldOpen implements ReviewGate.Waiter {
    private final OutboundStream toClient;
    private volatile UUID reviewId;
    private volatile String url;

    HeldOpen(OutboundStream toClient) {
        this.toClient = toClient;
    }

    void waiting(ReviewGate.Held held) {
        this.reviewId = held.reviewId();
        this.url = held.url();
        progress(held.pendingGroups());
    }

    @Override
    public void progress(List<String> pendingGroups) {
        toClient.send(Wire.packet(ClientPacket.SESSION_OPEN_WAITING_APPROVAL, Map.of(SpecKey.REVIEW_ID, String.valueOf(reviewId),
                SpecKey.REVIEW_PENDING_GROUPS, String.join(",", pendingGroups)), url.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void approved() {
        toClient.send(Wire.packet(ClientPacket.SESSION_OPEN_APPROVE_OK, Map.of(SpecKey.REVIEW_ID, String.valueOf(reviewId)), null));
    }

    @Override
    public void rejected(String reason) {
        toClient.send(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.REVIEW_ID, String.valueOf(reviewId)),
                reason.getBytes(StandardCharsets.UTF_8)));
        toClient.complete();
    }
}
