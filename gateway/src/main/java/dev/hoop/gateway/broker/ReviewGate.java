package dev.hoop.gateway.broker;

import dev.hoop.common.wire.Verb;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Decides whether a client's AgentSessionOpen opens its session now, waits for a review, or is
 * refused (docs/reviews.md). Called on the stream's set-up thread (a virtual thread: it may read
 * the store). Implemented by {@code gateway.review}; {@link #NONE} lets everything pass.
 */
public interface ReviewGate {
    /** The session asked for. */
    record Request(SessionUser user, UUID connectionId, String connectionName, Verb verb, Packet open) {}

    sealed interface Admission permits Pass, Held, Refused {}

    /**
     * Open now with {@code open} (for an approved review: its stored script, not what the client
     * sent). {@code opened} is told the session's id, or null when it did not open (agent offline).
     */
    record Pass(Packet open, Consumer<UUID> opened) implements Admission {}

    /**
     * The session waits for review {@code reviewId}: the client gets ClientSessionOpenWaitingApproval,
     * then hears of the decision through the {@link Waiter}. {@code cancel} stops the waiting (the
     * client went away); the review stays.
     */
    record Held(UUID reviewId, String url, List<String> pendingGroups, Runnable cancel) implements Admission {}

    /** The stream ends with this status. */
    record Refused(Status.Code code, String reason) implements Admission {}

    /** Told of a held review's progress; any thread, never blocks. */
    interface Waiter {
        /** A group decided; these still have to. */
        void progress(List<String> pendingGroups);

        void approved();

        void rejected(String reason);
    }

    Admission admit(Request request, Waiter waiter);

    ReviewGate NONE = (request, waiter) -> new Pass(request.open(), id -> { });
}
