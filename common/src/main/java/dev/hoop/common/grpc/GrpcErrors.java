package dev.hoop.common.grpc;

import dev.hoop.common.Causes;
import dev.hoop.common.net.DialFailure;
import io.grpc.Status;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns a failed call to the gateway into one sentence that says what to do. The transport
 * errors of a TLS mismatch are cryptic ("Connection reset by peer", "not an SSL/TLS record",
 * "Frame Too Large" behind proxies), so they are recognised here and explained in terms of the
 * {@code grpcs://} scheme, as the reverse-proxy guide does.
 */
public final class GrpcErrors {
    private GrpcErrors() {}

    public static String explain(Throwable error, GatewayTarget target) {
        return explain(error, target, TlsProbe.network());
    }

    /**
     * A TLS or HTTP/2 mismatch on the way to the gateway, said as what to change, or empty when the
     * failure is something else. May probe the port for TLS (up to {@link TlsProbe#TIMEOUT}): call it
     * off event loops.
     */
    public static Optional<String> mismatch(Throwable error, GatewayTarget target) {
        Status.Code code = Status.fromThrowable(error).getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.INTERNAL && code != Status.Code.UNKNOWN) {
            return Optional.empty();
        }
        return TransportMismatch.diagnose(error, target, TlsProbe.network());
    }

    static String explain(Throwable error, GatewayTarget target, TlsProbe probe) {
        Status status = Status.fromThrowable(error);
        String text = allMessages(error).toLowerCase(Locale.ROOT);
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL
                || status.getCode() == Status.Code.UNKNOWN) {
            var mismatch = TransportMismatch.diagnose(error, target, probe);
            if (mismatch.isPresent()) {
                return mismatch.get();
            }
            if (target.tls() && (Causes.has(error, SSLHandshakeException.class) || Causes.has(error, CertificateException.class))) {
                if (text.contains("no subject alternative") || text.contains("no name matching") || text.contains("hostname")) {
                    return "the gateway's TLS certificate does not name '" + target.host() + "': set "
                            + ChannelSettings.TLS_SERVER_NAME + " to a name the certificate holds (" + firstLine(error) + ")";
                }
                if (text.contains("certification path") || text.contains("pkix") || text.contains("unable to find valid")) {
                    return "the gateway's TLS certificate at " + target.authority() + " is not trusted: set "
                            + ChannelSettings.TLS_CA + " to the CA certificate that signed it (a PEM file path, PEM text or base64 PEM)";
                }
                return "TLS handshake with the gateway at " + target.authority() + " failed: " + firstLine(error);
            }
            if (!target.tls() && (text.contains("connection reset") || text.contains("network closed for unknown reason")
                    || text.contains("frame too large") || text.contains("first received frame was not settings")
                    || text.contains("protocol_error") || text.contains("http/2 client preface"))) {
                return "the gateway at " + target.authority() + " closed a plaintext connection (TLS mismatch?): if the gateway "
                        + "or a proxy in front of it serves TLS, use a grpcs:// (or https://) URL";
            }
            java.util.Optional<String> dial = DialFailure.sentence("the gateway", target.host(), target.port(), error);
            if (dial.isPresent()) {
                return dial.get() + (dial.get().endsWith("connection refused") ? " (is it running and is the port right?)" : "");
            }
        }
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        return "gateway at " + target.authority() + " answered " + status.getCode() + description;
    }

    private static String allMessages(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t : Causes.chain(error)) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static String firstLine(Throwable error) {
        String m = String.valueOf(Causes.root(error).getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
