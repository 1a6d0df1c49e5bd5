package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Joins authenticated {@code Connect} streams: agents on one side, client sessions on the other.
 * {@link BrokerStreamRouter} puts the {@link SessionBroker} behind it.
 * Calls arrive on a virtual thread, where blocking set-up work may happen. Each stream's
 * {@code setUp} switch is turned once that work is done: from then on the stream's callbacks run
 * on the transport's event loop and must never block.
 */
public interface StreamRouter {
    /**
     * @param toAgent the stream towards the agent
     * @param setUp   run once the stream is set up (its callbacks then move to the event loop)
     * @return the observer of the packets the agent sends
     */
    StreamObserver<Packet> agentStream(StreamPeer.AgentPeer agent, ServerCallStreamObserver<Packet> toAgent, Runnable setUp);

    /**
     * @param toClient the stream towards the client
     * @param setUp    run once the stream is set up (its callbacks then move to the event loop)
     * @return the observer of the packets the client sends
     */
    StreamObserver<Packet> clientStream(StreamPeer.ClientPeer client, ServerCallStreamObserver<Packet> toClient, Runnable setUp);
}
