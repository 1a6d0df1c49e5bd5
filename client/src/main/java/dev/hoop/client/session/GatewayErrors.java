package dev.hoop.client.session;

import dev.hoop.client.api.BearerToken;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.grpc.GrpcErrors;
import dev.hoop.common.net.DialFailure;
import io.grpc.Status;

/**
 * Turns a gRPC status from the gateway into a sentence that says what to do.
 *
 * @param target       the gateway dialled, for unreachable/refused/unknown-host sentences (null: not known)
 * @param tokenRefused the sentence for a refused token given the gateway's reason, which names where
 *                     the token came from ({@code HOOP_TOKEN} or the config file)
 */
public record GatewayErrors(GatewayTarget target, java.util.function.UnaryOperator<String> tokenRefused) {
    private static final GatewayErrors PLAIN = new GatewayErrors(null, reason -> BearerToken.generic(reason)
            ? "the gateway refused the token (expired or invalid): run 'hoop login'" : "the gateway refused the token: " + reason);

    /** Without knowing the target or the token's origin (tests, callers without a {@link GatewayLink}). */
    public static String describe(Status status, String connectionName) {
        return PLAIN.sentence(status, connectionName);
    }

    static GatewayErrors plain() {
        return PLAIN;
    }

    /**
     * The sentence for {@code status}. With a known target, a TLS or HTTP/2 mismatch on the way
     * (a wrong scheme, a proxy without HTTP/2) is said as what to change; finding it may probe the
     * port for TLS for up to 2 s: call this off event loops.
     */
    public String sentence(Status status, String connectionName) {
        if (target != null && !status.isOk()) {
            var mismatch = GrpcErrors.mismatch(status.asRuntimeException(), target);
            if (mismatch.isPresent()) {
                return mismatch.get();
            }
        }
        String detail = status.getDescription() == null ? "" : status.getDescription();
        return switch (status.getCode()) {
            // the gateway's own text repeats "sign in with 'hoop login'": one instruction is enough
            case UNAUTHENTICATED -> tokenRefused.apply(detail);
            case PERMISSION_DENIED -> "access to connection '" + connectionName + "' denied: " + detail;
            case NOT_FOUND -> (detail.isEmpty() ? "connection '" + connectionName + "' not found" : detail)
                    + (detail.startsWith("review ") ? "" : "; list the connections with 'hoop admin get connections'");
            case UNAVAILABLE -> unavailable(status, detail);
            case DEADLINE_EXCEEDED -> "the gateway did not answer in time (" + detail + ")";
            default -> status.getCode() + (detail.isEmpty() ? "" : ": " + detail);
        };
    }

    private String unavailable(Status status, String detail) {
        String where = target == null ? "the gateway" : "the gateway at " + DialFailure.address(target.host(), target.port());
        if (target != null) {
            var dial = DialFailure.sentence("the gateway", target.host(), target.port(), status.getCause());
            if (dial.isPresent()) {
                return dial.get() + "; check grpc_url with 'hoop config view'";
            }
            String explained = GrpcErrors.explain(status.asRuntimeException(), target);
            if (!explained.startsWith("gateway at ")) {
                return explained; // a TLS mismatch, named with the scheme to use
            }
        }
        return where + " is unreachable (" + detail + "); check grpc_url with 'hoop config view'"
                + " (a gateway behind TLS needs a grpcs:// URL)";
    }
}
