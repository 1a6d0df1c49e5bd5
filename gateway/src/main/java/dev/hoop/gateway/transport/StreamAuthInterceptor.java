package dev.hoop.gateway.transport;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.Authenticator;
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
    private static final Logger log = LoggerFactory.getLogger(StreamAuthInterceptor.class);
    private static final Set<String> ORIGINS = Set.of(Wire.ORIGIN_AGENT, Wire.ORIGIN_CLIENT, Wire.ORIGIN_CLIENT_API);
    private static final String CONNECT = TransportGrpc.getConnectMethod().getFullMethodName();
    private static final String PRE_CONNECT = TransportGrpc.getPreConnectMethod().getFullMethodName();

    private final Agents agents;
    private final Authenticator users;

    StreamAuthInterceptor(Agents agents, Authenticator users) {
        this.agents = agents;
        this.users = users;
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
        } catch (StoreException e) {
            log.error("grpc {}: authentication failed on storage: {}", method, e.getMessage());
            return refuse(call, Status.UNAVAILABLE.withDescription("gateway storage unavailable, retry later"));
        }
        if (peer == null) {
            String what = origin.equals(Wire.ORIGIN_AGENT)
                    ? "invalid agent key (expected: authorization: Bearer xagt-..., the secret of the DSN printed by 'hoop admin create agent')"
                    : "missing or invalid token (expected: authorization: Bearer <token>; sign in with 'hoop login')";
            return refuse(call, Status.UNAUTHENTICATED.withDescription(what));
        }
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
    }

    private StreamPeer agent(Metadata headers) {
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
        return agents.byKeyHash(AgentKeys.hash(secret))
                .map(a -> new StreamPeer.AgentPeer(a, headers.get(Wire.HOSTNAME), headers.get(Wire.VERSION), headers.get(Wire.PLATFORM)))
                .orElse(null);
    }

    private StreamPeer client(String origin, Metadata headers) {
        return users.authenticate(headers.get(Wire.AUTHORIZATION))
                .map(p -> new StreamPeer.ClientPeer(p, origin, headers.get(Wire.VERB), headers.get(Wire.CONNECTION_NAME)))
                .orElse(null);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
