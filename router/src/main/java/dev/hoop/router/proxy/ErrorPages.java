package dev.hoop.router.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The router's own answers (400, 502, 504, …): {@code staticDir/error_<code>.html}, else
 * {@code staticDir/error_default.html}, else a short text naming the reason. Pages are read once
 * at start; every answer carries no-cache headers so that a browser retries for real.
 */
final class ErrorPages {
    private final Map<Integer, byte[]> pages = new HashMap<>();
    private final byte[] fallback;

    ErrorPages(String staticDir) {
        byte[] def = null;
        if (staticDir != null) {
            Path dir = Path.of(staticDir);
            for (int code : new int[] {400, 404, 500, 502, 503, 504}) {
                byte[] page = read(dir.resolve("error_" + code + ".html"));
                if (page != null) {
                    pages.put(code, page);
                }
            }
            def = read(dir.resolve("error_default.html"));
        }
        this.fallback = def;
    }

    private static byte[] read(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A complete response; {@code reason} is shown only in the text fallback. */
    FullHttpResponse response(int code, String reason, boolean keepAlive) {
        byte[] html = pages.getOrDefault(code, fallback);
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        byte[] body;
        String type;
        if (html != null) {
            body = html;
            type = "text/html; charset=utf-8";
        } else {
            body = (code + " " + status.reasonPhrase() + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
            type = "text/plain; charset=utf-8";
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate")
                .set(HttpHeaderNames.PRAGMA, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.EXPIRES, "0");
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
