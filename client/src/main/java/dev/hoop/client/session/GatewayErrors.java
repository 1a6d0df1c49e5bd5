package dev.hoop.client.session;

import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.grpc.GrpcErrors;
import io.grpc.Status;

/** Turns a gRPC status from the gateway into a sentence that says what to do. */
public final class GatewayErrors {
    private GatewayErrors() {}

    /**
     * As {@link #describe(Status, String)}, but a TLS or HTTP/2 mismatch on the way to {@code target}
     * (a wrong scheme, a proxy without HTTP/2) is said as what to change. May probe the port for TLS
     * for up to 2 s: call it off event loops.
     */
    public static String describe(Status status, String connectionName, GatewayTarget target) {
        if (target != null && !status.isOk()) {
            var mismatch = GrpcErrors.mismatch(status.asRuntimeException(), target);
            if (mismatch.isPresent()) {
                return mismatch.get();
            }
        }
        return describe(status, connectionName);
    }

    public static String describe(Status status, String connectionName) {
        String detail = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> "not signed in or the token expired (" + detail + "): run 'hoop login'";
            case PERMISSION_DENIED -> "access to connection '" + connectionName + "' denied: " + detail;
            case NOT_FOUND -> detail.isEmpty() ? "connection '" + connectionName + "' not found" : detail;
            case UNAVAILABLE -> "the gateway is unreachable (" + detail + "); check grpc_url with 'hoop config view'"
                    + " (a gateway behind TLS needs a grpcs:// URL)";
            case DEADLINE_EXCEEDED -> "the gateway did not answer in time (" + detail + ")";
            default -> status.getCode() + (detail.isEmpty() ? "" : ": " + detail);
        };
    }
}
