package dev.hoop.gateway.transport;

import dev.hoop.gateway.auth.Authenticator;
import dev.hoop.gateway.auth.Principal;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Ends a client's open {@code Connect} stream at its next packet once its user is disabled or
 * deleted, or its API key revoked. The check is one map lookup ({@link Authenticator#stillValid}).
 * The broker sees the end as a cancellation (so it tears the session down as for a client that
 * went away) and the client gets {@code UNAUTHENTICATED} with the reason. The call is wrapped so
 * that this close and the broker's sends are serialized (a gRPC call is not thread-safe).
 */
final class RevocableCall {
    static final String REVOKED = "your user was disabled or your API key revoked; the session is closed";

    private RevocableCall() {}

    /** The guarded call, to hand to the next handler. */
    static <Q, R> Guarded<Q, R> guard(ServerCall<Q, R> call) {
        return new Guarded<>(call);
    }

    /** The listener that checks each inbound packet. */
    static <Q, R> ServerCall.Listener<Q> listener(ServerCall.Listener<Q> next, Guarded<Q, R> call, Authenticator auth, Principal who) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next) {
            private boolean revoked;

            @Override
            public void onMessage(Q message) {
                if (revoked) {
                    return;
                }
                if (!auth.stillValid(who)) {
                    revoked = true;
                    call.close(Status.UNAUTHENTICATED.withDescription(REVOKED), new Metadata());
                    super.onCancel();
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!revoked) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** A call whose outbound methods are serialized, and silent once closed. */
    static final class Guarded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean closed;

        Guarded(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}
