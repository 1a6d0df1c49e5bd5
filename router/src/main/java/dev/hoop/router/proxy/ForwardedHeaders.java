package dev.hoop.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Request and response header rewriting: hop-by-hop headers removed (RFC 9110 7.6.1), the
 * {@code X-Forwarded-*} and {@code X-Real-IP} headers set. A client's own X-Forwarded-For is
 * only appended to when {@code server.trustForwardedFor} is on; otherwise it is replaced, so a
 * client cannot forge its address to the backend.
 */
final class ForwardedHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");

    private ForwardedHeaders() {}

    static void stripHopByHop(HttpHeaders h, boolean keepUpgrade) {
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            for (String named : h.getAll(HttpHeaderNames.CONNECTION)) {
                if (named.indexOf(',') < 0) {
                    removeNamed(h, named.trim(), keepUpgrade); // the usual single token: no split
                    continue;
                }
                for (String token : named.split(",")) {
                    removeNamed(h, token.trim(), keepUpgrade);
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        if (!keepUpgrade) {
            h.remove(HttpHeaderNames.UPGRADE);
        } else {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
    }

    private static void removeNamed(HttpHeaders h, String name, boolean keepUpgrade) {
        if (!name.isEmpty() && !(keepUpgrade && name.equalsIgnoreCase("upgrade"))) {
            h.remove(name);
        }
    }

    static void forwardRequest(HttpHeaders h, String clientIp, String scheme, String localPort, boolean trust,
                               boolean upgrade, boolean backendKeepAlive) {
        stripHopByHop(h, upgrade);
        if (!upgrade && !backendKeepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        List<String> previous = trust ? h.getAll(X_FORWARDED_FOR) : List.of();
        if (!previous.isEmpty()) {
            h.set(X_FORWARDED_FOR, String.join(", ", previous) + ", " + clientIp);
        } else {
            h.set(X_FORWARDED_FOR, clientIp);
        }
        if (!trust || !h.contains(X_REAL_IP)) {
            h.set(X_REAL_IP, clientIp);
        }
        if (!trust || !h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, scheme);
        }
        if (!trust || !h.contains(X_FORWARDED_PORT)) {
            h.set(X_FORWARDED_PORT, localPort);
        }
    }
}
