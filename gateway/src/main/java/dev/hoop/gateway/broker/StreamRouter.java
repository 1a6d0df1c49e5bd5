package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Joins authenticated {@code Connect} streams: agents on one side, client sessions on the other.
 * Issue 3 implements the real broker; {@link BasicStreamRouter} is this build's.
 * Calls arrive on gRPC application threads (virtual threads here), never on event loops.
 */
public interface StreamRouter extends AutoCloseable {
    /**
     * @param toAgent the stream towards the agent
     * @return the observer of the packets the agent sends
     */
    StreamObserver<Packet> agentStream(StreamPeer.AgentPeer agent, ServerCallStreamObserver<Packet> toAgent);

    /**
     * @param toClient the stream towards the client
     * @return the observer of the packets the client sends
     */
    StreamObserver<Packet> clientStream(StreamPeer.ClientPeer client, ServerCallStreamObserver<Packet> toClient);

    /** Releases the router's own resources (timers); called after the gRPC server stopped. */
    @Override
    void close();
}
