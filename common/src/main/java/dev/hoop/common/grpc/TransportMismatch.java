package dev.hoop.common.grpc;

import dev.hoop.common.Causes;
import io.grpc.Status;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Recognises the failures of a dial that reached something speaking another protocol than gRPC
 * over the chosen scheme, and says what to change (docs/deploy.md#troubleshooting):
 * <ul>
 *   <li>{@code grpc://} to a TLS port: "speaks TLS: use grpcs://…";</li>
 *   <li>{@code grpcs://} to a plaintext port: "does not speak TLS: use grpc://…";</li>
 *   <li>a proxy without HTTP/2 towards the client (an HTTP/1.1 answer to the HTTP/2 preface, or no
 *       {@code h2} in ALPN) or towards the gateway (an HTTP answer instead of gRPC, such as the
 *       gateway's own 426 to an HTTP/1.1 request): named, with the nginx setting that fixes it.</li>
 * </ul>
 */
final class TransportMismatch {
    static final String GUIDE = "see docs/deploy.md#troubleshooting";
    /** The text of the gateway's 426 answer to HTTP/1.x on its gRPC port (gateway Http1Responder). */
    static final String GATEWAY_HTTP1_MARKER = "this is the grpc port, which speaks http/2 (grpc) only";
    /** grpc-java's description of a non-gRPC HTTP answer: "HTTP status code 502\ninvalid content-type: text/html\n…". */
    private static final Pattern HTTP_ANSWER = Pattern.compile("(?s)^HTTP status code (\\d{3})(?:.*?invalid content-type: ([^\\n]*))?.*");
    /** "First received frame was not SETTINGS. Hex dump for first 5 bytes: 485454502f" is "HTTP/". */
    private static final String HTTP_HEX = "485454502f";

    private TransportMismatch() {}

    static Optional<String> diagnose(Throwable error, GatewayTarget target, TlsProbe probe) {
        Status status = Status.fromThrowable(error);
        String text = allMessages(error).toLowerCase(Locale.ROOT);
        String at = target.authority();
        String description = status.getDescription() == null ? "" : status.getDescription();
        Matcher http = HTTP_ANSWER.matcher(description);
        if (http.matches()) {
            return Optional.of(httpAnswer(at, Integer.parseInt(http.group(1)), http.group(2), text));
        }
        // grpc-java: "Failed ALPN negotiation"; nginx >= 1.21.4 refuses the handshake: "no_application_protocol"
        if (target.tls() && (text.contains("alpn") || text.contains("no_application_protocol"))) {
            return Optional.of("the proxy in front of the gateway at " + at + " does not offer HTTP/2 over TLS (no h2 in ALPN), "
                    + "which gRPC needs: enable HTTP/2 on its TLS listener (nginx: listen 443 ssl http2; then grpc_pass to the "
                    + "gateway's gRPC port); " + GUIDE);
        }
        if (target.tls() && Causes.has(error, SSLException.class) && text.contains("not an ssl/tls record")) {
            return Optional.of(notTls(target));
        }
        if (!target.tls()) {
            boolean http1Answer = text.contains("first received frame was not settings") && text.contains(HTTP_HEX);
            boolean closed = text.contains("connection reset") || text.contains("network closed for unknown reason")
                    || text.contains("frame too large") || text.contains("first received frame was not settings")
                    || text.contains("protocol_error") || text.contains("http/2 client preface");
            if (http1Answer || closed) {
                if (probe.speaksTls(target.host(), target.port()).orElse(false)) {
                    return Optional.of("the gateway at " + at + " speaks TLS: use grpcs://" + at + " (and HOOP_TLSCA if its "
                            + "certificate is not signed by a public CA)");
                }
                if (http1Answer) {
                    return Optional.of("the proxy in front of the gateway at " + at + " answered HTTP/1.1 to gRPC's HTTP/2 preface: "
                            + "enable HTTP/2 on it (nginx: listen … http2; grpc_pass to the gateway's gRPC port), or point to "
                            + "the gateway's gRPC port (8010) instead of its HTTP port (8009); " + GUIDE);
                }
            }
        }
        return Optional.empty();
    }

    private static String httpAnswer(String at, int code, String contentType, String text) {
        String what = "HTTP " + code + (contentType == null || contentType.isBlank() ? "" : " (" + contentType.strip() + ")");
        if (text.contains(GATEWAY_HTTP1_MARKER)) {
            return "the proxy in front of the gateway at " + at + " forwards gRPC as HTTP/1.1 and the gateway answered " + what
                    + ": enable HTTP/2 towards the gateway's gRPC port (nginx: grpc_pass grpc://…, not proxy_pass); " + GUIDE;
        }
        String hint = switch (code) {
            case 502, 503, 504 -> "the gateway behind it does not answer the proxy (down, a wrong upstream address, "
                    + "or HTTP/1.1 towards its gRPC port: nginx needs grpc_pass, not proxy_pass)";
            default -> "it does not hand gRPC to the gateway's gRPC port (nginx: grpc_pass for content-type application/grpc, "
                    + "or the gRPC host of a two-host setup)";
        };
        return "the proxy in front of the gateway at " + at + " answered " + what + " instead of gRPC: " + hint + "; " + GUIDE;
    }

    static String notTls(GatewayTarget target) {
        String at = target.authority();
        return "the gateway at " + at + " does not speak TLS: use grpc://" + at + " (plaintext is allowed to loopback only, "
                + "unless " + ChannelSettings.ALLOW_PLAINTEXT + "=true), or point to its TLS port";
    }

    private static String allMessages(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t : Causes.chain(error)) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return b.toString();
    }
}
