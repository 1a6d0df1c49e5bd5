package dev.hoop.common.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit's view of one HTTP client connection: fed the bytes the client sends, in order, it
 * returns a line per request head ({@code GET /path?q HTTP/1.1}), never bodies. It frames the
 * stream exactly as the agent does ({@link HttpFraming}); where the agent stops treating the bytes
 * as HTTP (a malformed request, which it refuses and closes; a WebSocket upgrade) it stops too and
 * says so in the line. Memory is bounded by the head limits: bodies pass through and are dropped.
 * Not thread-safe.
 */
public final class RequestLines {
    private final EmbeddedChannel decoder = new EmbeddedChannel(new StrictRequestDecoder());
    private boolean stopped;

    /** The lines for the requests whose heads are complete in what was fed so far. */
    public List<String> feed(byte[] bytes) {
        List<String> lines = new ArrayList<>(1);
        if (stopped || bytes.length == 0) {
            return lines;
        }
        decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
        for (Object msg; (msg = decoder.readInbound()) != null; ) {
            try {
                if (stopped || !(msg instanceof HttpRequest request)) {
                    continue;
                }
                if (request.decoderResult().isFailure()) {
                    stop();
                    lines.add("-- the client broke HTTP/1.1 (" + describe(request.decoderResult().cause())
                            + "); the agent refuses it and closes the connection");
                } else if (HttpFraming.isWebSocketUpgrade(request)) {
                    stop();
                    lines.add(line(request) + " -- WebSocket upgrade: the frames that follow are not recorded");
                } else {
                    lines.add(line(request));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return lines;
    }

    /** Releases the parsing state. */
    public void close() {
        stop();
    }

    private void stop() {
        if (!stopped) {
            stopped = true;
            decoder.finishAndReleaseAll();
        }
    }

    private static String line(HttpRequest request) {
        return escape(request.method().name() + " " + request.uri() + " " + request.protocolVersion().text());
    }

    /** The decoder's reason, which may quote the client's bytes (e.g. "invalid version format: HTTP/1.\u0001…"). */
    private static String describe(Throwable cause) {
        return cause == null ? "malformed request" : escape(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /**
     * Control characters (C0, DEL, C1) as {@code \xNN}: the line goes to the audit, the web app and
     * terminals, where a raw one could break the line or drive the terminal.
     */
    static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f;
            if (control || c == '\\') {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(c == '\\' ? "\\\\" : String.format("\\x%02x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
