package dev.hoop.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * What the stages of one exchange know of its request, fixed once its head is decoded: each stage
 * is given this value instead of reading the exchange's fields.
 *
 * @param head            the client's request head (forwarded with its headers rewritten in place)
 * @param host            the normalised Host (see {@code HostNames#normalize})
 * @param clientKeepAlive whether the client asked to keep its connection
 * @param upgrade         a WebSocket upgrade request
 * @param debug           the client sent {@code X-Debug}
 * @param startNanos      when the head was decoded
 */
record RequestFacts(HttpRequest head, String host, String scheme, ClientConnection client, HttpVersion clientVersion,
                    boolean clientKeepAlive, boolean upgrade, boolean debug, boolean headMethod, long startNanos) {
    private static final AsciiString X_DEBUG = AsciiString.cached("x-debug");

    static RequestFacts of(HttpRequest head, String host, String scheme, ClientConnection client) {
        return new RequestFacts(head, host, scheme, client, head.protocolVersion(), HttpUtil.isKeepAlive(head),
                head.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true),
                head.headers().contains(X_DEBUG), head.method().equals(HttpMethod.HEAD), System.nanoTime());
    }
}
