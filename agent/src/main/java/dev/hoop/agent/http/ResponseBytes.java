package dev.hoop.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.ArrayDeque;

/**
 * Turns the target's responses, as decoded, back into HTTP/1.1 bytes for the client. The one duty
 * that depends on the request: a response to HEAD has no body, whatever its headers say, so the
 * methods of the forwarded requests are queued here in order. Not thread-safe (one connection's
 * event loop).
 */
final class ResponseBytes {
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    private final EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder() {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                return super.isContentAlwaysEmpty(msg); // an interim answer: the final one is still to come
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    });

    /** A request went to the target: its response comes in this order. */
    void forwarded(HttpMethod method) {
        methods.add(method);
    }

    /** Encodes a response head or body piece (taking ownership) and appends its bytes to {@code out}. */
    void encode(Object httpObject, ByteBuf out) {
        encoder.writeOutbound(httpObject);
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
    }

    void close() {
        encoder.finishAndReleaseAll();
    }
}
