package dev.hoop.agent.session;

import java.util.concurrent.CompletionStage;

/**
 * The client's side of one connection of a session, as a handler sees it: bytes written here
 * travel to the client in {@code Client…ConnectionWrite} packets. Implemented by the agent's
 * stream controller.
 */
public interface ClientSink {
    /**
     * Sends one chunk to the client; the sink takes ownership of the array. The stage completes
     * when the transport can take more: a handler reads the next chunk from its resource only
     * then, so nothing is buffered without bound.
     */
    CompletionStage<Void> write(byte[] chunk);

    /**
     * A line for the session's record, not for the resource's protocol (e.g. a guardrail's block):
     * sent as stderr, which the gateway records as an error event. Does nothing by default.
     */
    default void notice(String text) {
    }

    /** Ends this connection; {@code reason} (null for a normal end) is shown to the user. */
    void close(String reason);
}
