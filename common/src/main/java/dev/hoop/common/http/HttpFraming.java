package dev.hoop.common.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * How http connections frame HTTP/1.1 requests, in one place: the agent (which forwards them) and
 * the gateway (which records their request lines) must cut a byte stream into the same requests,
 * or a request could reach the target unrecorded. Both use {@link StrictRequestDecoder} with
 * {@link #decoderConfig()}, and both stop reading a connection as HTTP after a WebSocket upgrade
 * request ({@link #isWebSocketUpgrade}).
 */
public final class HttpFraming {
    /** Longest request line (method, target, version); longer: 414. */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
    /** Most bytes of a request's header lines together; more: 431. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Largest body piece handed on at once (bodies themselves are streamed, of any size). */
    public static final int MAX_CHUNK = 64 * 1024;

    private HttpFraming() {}

    /** RFC 9112 parsing: strict line endings, Transfer-Encoding beside Content-Length refused. */
    public static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    /**
     * Whether the request asks to switch the connection to WebSocket: after it, the bytes are
     * WebSocket frames (when the server agrees) and no longer HTTP requests. Other upgrades (h2c)
     * are not honoured: the agent strips their Upgrade header.
     */
    public static boolean isWebSocketUpgrade(HttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }
}
