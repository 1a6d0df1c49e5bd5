package dev.hoop.router.proxy;

import dev.hoop.router.driver.Route;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;

/**
 * A backend's response head made fit for the client: hop-by-hop headers dropped, the body framed
 * so the client connection can stay open (chunked for a close-delimited body, nothing for
 * HTTP/1.0 clients), {@code Connection} set to what the router will do, and the X-Debug headers.
 */
final class ResponseHeads {
    private ResponseHeads() {}

    /** Rewrites {@code head} in place; returns whether the client connection stays open after it. */
    static boolean prepare(HttpResponse head, HttpVersion clientVersion, boolean clientKeepAlive, boolean headRequest,
                           boolean switching) {
        ForwardedHeaders.stripHopByHop(head.headers(), switching);
        if (switching) {
            return true;
        }
        boolean http10 = clientVersion.equals(HttpVersion.HTTP_1_0);
        boolean bodyless = bodyless(head, headRequest);
        if (http10) {
            head.setProtocolVersion(HttpVersion.HTTP_1_0);
            head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // 1.0 has no chunking: the body ends at close
        } else if (!HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head) && !bodyless) {
            HttpUtil.setTransferEncodingChunked(head, true); // a close-delimited body, re-framed for keep-alive
        }
        boolean kept = clientKeepAlive
                && (HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head) || bodyless);
        if (!kept) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return kept;
    }

    private static boolean bodyless(HttpResponse head, boolean headRequest) {
        int code = head.status().code();
        return code == 204 || code == 304 || code < 200 || headRequest;
    }

    /** The {@code X-Debug} answer headers (Hipache's names); times in seconds. */
    static void debug(HttpResponse head, Route route, int index, String host, long totalNanos, long backendNanos) {
        head.headers().set("x-debug-backend-url", route.backends().get(index))
                .set("x-debug-backend-id", index)
                .set("x-debug-vhost", host)
                .set("x-debug-frontend-key", route.frontendKey())
                .set("x-debug-time-total", seconds(totalNanos))
                .set("x-debug-time-backend", seconds(backendNanos));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
