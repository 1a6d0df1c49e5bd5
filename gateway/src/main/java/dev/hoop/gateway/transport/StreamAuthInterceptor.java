package dev.hoop.gateway.transport;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.AuthException;
import dev.hoop.gateway.auth.Authenticator;
import dev.hoop.gateway.broker.ClientKeyAgents;
import dev.hoop.gateway.broker.StreamPeer;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.StoreException;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the metadata of {@code Connect} (origin, then credentials) and {@code PreConnect} (agent
 * key) before the service sees the call, and hands the authenticated {@link StreamPeer} over in
 * the gRPC {@link Context}. Runs on the server's application executor (virtual threads), so the
 * one database lookup per call does not block an event loop.
 */
final class StreamAuthInterceptor implements ServerInterceptor {
    static final Context.Key<StreamPeer> PEER = Context.key("hoop-stream-peer");
    static final String MISSING_ORIGIN = "missing origin";
    static final String INVALID_TOKEN = "missing or invalid token (expected: authorization: Bearer <token>; sign in with 'hoop login')";
    private static final Logger log = LoggerFactory.getLogger(StreamAuthInterceptor.class);
    private static final Set<String> ORIGINS = Set.of(Wire.ORIGIN_AGENT, Wire.ORIGIN_CLIENT, Wire.ORIGIN_CLIENT_API);
    private static final String CONNECT = TransportGrpc.getConnectMethod().getFullMethodName();
    private static final String PRE_CONNECT = TransportGrpc.getPreConnectMethod().getFullMethodName();

    private final Agents agents;
    private final Authenticator users;
    private final ClientKeyAgents clientKeyAgents;

    StreamAuthInterceptor(Agents agents, Authenticator users) {
        this(agents, users, null);
    }

    /** @param clientKeyAgents signs in agents of client keys (null: agent keys only) */
    StreamAuthInterceptor(Agents agents, Authenticator users, ClientKeyAgents clientKeyAgents) {
        this.agents = agents;
        this.users = users;
        this.clientKeyAgents = clientKeyAgents;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!method.equals(CONNECT) && !method.equals(PRE_CONNECT)) {
            return next.startCall(call, headers);
        }
        String origin = method.equals(PRE_CONNECT) ? Wire.ORIGIN_AGENT : headers.get(Wire.ORIGIN);
        if (origin == null || !ORIGINS.contains(origin)) {
            return refuse(call, Status.INVALID_ARGUMENT.withDescription(MISSING_ORIGIN));
        }
        StreamPeer peer;
        try {
            peer = origin.equals(Wire.ORIGIN_AGENT) ? agent(headers) : client(origin, headers);
        } catch (StatusException e) {
            // a client key's agent refused: disabled key, bad HOOP_CONNECTION, or a publish it may not make
            log.warn("grpc {}: agent ({}) refused: {}", method, headers.get(Wire.HOSTNAME), e.getStatus().getDescription());
            return refuse(call, e.getStatus());
        } catch (StoreException e) {
            log.error("grpc {}: authentication failed on storage: {}", method, e.getMessage());
            return refuse(call, Status.UNAVAILABLE.withDescription("gateway storage unavailable, retry later"));
        } catch (AuthException e) {
            if (e.unavailable()) {
                log.warn("grpc {}: the identity provider could not check a token: {}", method, e.getMessage());
                return refuse(call, Status.UNAVAILABLE.withDescription(e.getMessage()));
            }
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage().equals(Authenticator.INVALID) ? INVALID_TOKEN : e.getMessage()));
        }
        if (peer == null) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "invalid agent key (expected: authorization: Bearer xagt-..., the secret of the DSN printed by 'hoop admin create agent')"));
        }
        if (peer instanceof StreamPeer.ClientPeer client) {
            RevocableCall.Guarded<Q, R> guarded = RevocableCall.guard(call);
            ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(PEER, peer), guarded, headers, next);
            return RevocableCall.listener(listener, guarded, users, client.principal());
        }
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
    }

    private StreamPeer agent(Metadata headers) throws StatusException {
        String secret = Authenticator.bearer(headers.get(Wire.AUTHORIZATION));
        if (secret == null) {
            return null;
        }
        if (secret.startsWith("grpc://") || secret.startsWith("grpcs://")) {
            // Some agents send their whole DSN; take its secret.
            try {
                secret = AgentDsn.parse(secret).secret();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (!secret.startsWith(AgentKeys.PREFIX)) {
            return null;
        }
        String hash = AgentKeys.hash(secret);
        var agent = agents.byKeyHash(hash);
        if (agent.isEmpty() && clientKeyAgents != null) {
            // client keys share the agent keys' format: the hash says which one it is
            agent = clientKeyAgents.signIn(hash, headers.get(Wire.CONNECTION_ITEMS), headers.get(Wire.HOSTNAME),
                    headers.get(Wire.VERSION), headers.get(Wire.PLATFORM));
        }
        return agent
                .map(a -> new StreamPeer.AgentPeer(a, headers.get(Wire.HOSTNAME), headers.get(Wire.VERSION), headers.get(Wire.PLATFORM)))
                .orElse(null);
    }

    /** @throws AuthException when the credential is refused (401) or cannot be checked (503) */
    private StreamPeer client(String origin, Metadata headers) {
        return new StreamPeer.ClientPeer(users.require(headers.get(Wire.AUTHORIZATION)), origin, headers.get(Wire.VERB),
                headers.get(Wire.CONNECTION_NAME));
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
