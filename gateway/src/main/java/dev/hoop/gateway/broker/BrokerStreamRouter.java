package dev.hoop.gateway.broker;

import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.store.Agents;
import dev.hoop.proto.Packet;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the transport's authenticated streams to the {@link SessionBroker}: translates the
 * transport's peers into the broker's identities, and a refusal into the gRPC status the peer sees.
 */
public final class BrokerStreamRouter implements StreamRouter {
    private static final Logger log = LoggerFactory.getLogger(BrokerStreamRouter.class);

    private final SessionBroker broker;
    private final Agents agents;
    private final ClientKeyAgents clientKeyAgents;

    public BrokerStreamRouter(SessionBroker broker, Agents agents) {
        this(broker, agents, null);
    }

    /** @param clientKeyAgents checks again, once a client key's agent is registered, that its key is still active (null: no check) */
    public BrokerStreamRouter(SessionBroker broker, Agents agents, ClientKeyAgents clientKeyAgents) {
        this.broker = broker;
        this.agents = agents;
        this.clientKeyAgents = clientKeyAgents;
    }

    @Override
    public StreamObserver<Packet> agentStream(StreamPeer.AgentPeer peer, ServerCallStreamObserver<Packet> toAgent, Runnable setUp) {
        Agents.Agent a = peer.agent();
        try {
            StreamObserver<Packet> in = broker.agentStream(
                    new AgentIdentity(a.id(), a.orgId(), a.name(), peer.hostname(), peer.version(), peer.platform(), Instant.now()), toAgent);
            try {
                agents.seen(a.id(), peer.hostname(), peer.version(), peer.platform());
            } catch (RuntimeException e) {
                log.warn("agent '{}': recording its hostname/version failed: {}", a.name(), e.getMessage());
            }
            if (clientKeyAgents != null && a.clientKeyId() != null && !clientKeyAgents.stillActive(a)) {
                // the key was disabled while this stream signed in: the disconnect may have missed it
                broker.disconnectAgents(java.util.List.of(a.id()), "client key of agent '" + a.name() + "' was disabled");
            }
            setUp.run();
            return in;
        } catch (StatusException refused) {
            log.warn("agent '{}' ({}) refused: {}", a.name(), peer.hostname(), refused.getStatus().getDescription());
            toAgent.onError(refused);
            return IGNORE;
        }
    }

    @Override
    public StreamObserver<Packet> clientStream(StreamPeer.ClientPeer client, ServerCallStreamObserver<Packet> toClient, Runnable setUp) {
        Principal p = client.principal();
        SessionUser user = new SessionUser(p.user().id(), p.user().orgId(), p.user().email(), new HashSet<>(p.user().groups()));
        try {
            return broker.clientStream(user, client.verb(), client.connectionName(), toClient, setUp);
        } catch (StatusException refused) {
            toClient.onError(refused);
            return IGNORE;
        }
    }

    /** Swallows whatever a refused peer still sends. */
    private static final StreamObserver<Packet> IGNORE = new StreamObserver<>() {
        @Override
        public void onNext(Packet value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    };
}
