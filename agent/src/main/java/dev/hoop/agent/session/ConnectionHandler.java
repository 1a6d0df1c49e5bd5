package dev.hoop.agent.session;

import java.util.concurrent.CompletionStage;

/** One client connection of a session inside the agent (a psql socket, a TCP socket). */
public interface ConnectionHandler {
    /**
     * Bytes from the client. The stage completes when they were written to the resource; the
     * stream controller asks the gateway for the next packet only then (backpressure).
     */
    CompletionStage<Void> write(byte[] fromClient);

    /** The client went away or the session ended: release everything. Idempotent. */
    void close();
}
