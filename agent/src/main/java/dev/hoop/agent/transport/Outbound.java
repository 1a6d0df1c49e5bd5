package dev.hoop.agent.transport;

import dev.hoop.proto.Packet;
import java.util.concurrent.CompletionStage;

/** Packets from the agent to the gateway. */
interface Outbound {
    /**
     * Queues one packet; the stage completes when the stream can take more (gRPC {@code isReady}),
     * and fails when the stream is gone. Callers send the next chunk only then.
     */
    CompletionStage<Void> send(Packet packet);
}
