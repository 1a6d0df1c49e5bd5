package dev.hoop.client.session;

import io.grpc.Status;

/** Turns a gRPC status from the gateway into a sentence that says what to do. */
public final class GatewayErrors {
    private GatewayErrors() {}

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
