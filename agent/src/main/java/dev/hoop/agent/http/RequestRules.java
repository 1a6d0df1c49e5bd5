package dev.hoop.agent.http;

import dev.hoop.common.http.HttpFraming;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;
import java.util.List;

/**
 * What the agent does to a request before it goes to the target: refuse what could make it more
 * than a proxy to that one target (CONNECT, absolute-form targets naming any host, heads two
 * parsers could read differently), then point it at the target (Host, path prefix) and put the
 * connection's headers in place of any copy the client sent.
 */
final class RequestRules {
    /** Why a request is refused: the status and a reason naming the offending value. */
    record Refusal(HttpResponseStatus status, String reason) {}

    private RequestRules() {}

    /** The refusal of a head the decoder could not read. */
    static Refusal undecodable(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request's headers are larger than " + HttpFraming.MAX_HEADER_BYTES + " bytes");
        }
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "the request line is longer than " + HttpFraming.MAX_REQUEST_LINE + " bytes");
        }
        String message = cause == null ? "malformed request" : cause.getMessage();
        if (cause instanceof TooLongFrameException) {
            return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, message);
        }
        return new Refusal(HttpResponseStatus.BAD_REQUEST, "malformed HTTP/1.1 request: " + message);
    }

    /** Null when the request may be forwarded. */
    static Refusal check(HttpRequest request) {
        if (HttpMethod.CONNECT.equals(request.method())) {
            return new Refusal(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "CONNECT is refused: an http connection reaches its one target, it is not a tunnel");
        }
        String uri = request.uri();
        if (!uri.startsWith("/") && !(uri.equals("*") && HttpMethod.OPTIONS.equals(request.method()))) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "request target '" + clip(uri)
                    + "' is not a path (expected: origin-form such as /index.html; this is not an open proxy)");
        }
        HttpHeaders h = request.headers();
        Iterator<? extends CharSequence> hosts = h.valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (hosts.hasNext()) {
            hosts.next();
            if (hosts.hasNext()) {
                return new Refusal(HttpResponseStatus.BAD_REQUEST, "more than one Host header; send exactly one");
            }
        }
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> codings = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (codings.size() != 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.getFirst().trim())) {
                return new Refusal(HttpResponseStatus.NOT_IMPLEMENTED, "Transfer-Encoding '" + clip(String.join(", ", codings))
                        + "' is not supported (expected: chunked)");
            }
        }
        return null;
    }

    /** Points the request at the target and sets the connection's headers (after removing any client copy). */
    static void rewrite(HttpRequest request, HttpTarget target) {
        HttpHeaders h = request.headers();
        h.set(HttpHeaderNames.HOST, target.hostHeader());
        if (!target.basePath().isEmpty() && request.uri().startsWith("/")) {
            request.setUri(target.basePath() + request.uri());
        }
        if (!HttpFraming.isWebSocketUpgrade(request)) {
            // h2c and other upgrades are not relayed: the agent would have to speak them
            h.remove(HttpHeaderNames.UPGRADE);
            h.remove("HTTP2-Settings");
        }
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        target.headers().forEach((name, value) -> h.remove(name).add(name, value));
    }

    /** Removes the connection's headers from a response: the target must not hand a secret back in one. */
    static void strip(HttpHeaders responseHeaders, HttpTarget target) {
        target.headers().keySet().forEach(responseHeaders::remove);
    }

    private static String clip(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
