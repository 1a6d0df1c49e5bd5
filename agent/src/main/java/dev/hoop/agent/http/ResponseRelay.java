package dev.hoop.agent.http;

import dev.hoop.agent.session.ClientSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The response side of an {@link HttpConnection}: the target's responses, with the connection's
 * headers stripped ({@link RequestRules#strip}) and encoded again ({@link ResponseBytes}), and the
 * connection's own refusal pages go to the client sink, one chunk per read of the target, strictly
 * one after the other. It knows where the current response is (interim, started) and whether the
 * client took every chunk so far, which is when its connection reads the target again. Apart from the
 * request side because it runs at the client's pace and owns the bytes on their way to the client;
 * the request side decides what the connection does next. Confined to the connection's event loop.
 */
final class ResponseRelay {
    private final HttpConnection connection;
    private final HttpTarget target;
    private final ClientSink toClient;
    private final EventLoop loop;
    private final ResponseBytes responses = new ResponseBytes();
    /** The response being relayed is an interim one (1xx other than 101). */
    private boolean interim;
    /** Bytes of the current final response went to the client (too late for a 502). */
    private boolean responseStarted;
    /** Response bytes of the current read, shipped as one chunk when the read completes. */
    private ByteBuf pending;
    private CompletionStage<Void> delivered = CompletableFuture.completedFuture(null);
    private int undelivered;

    ResponseRelay(HttpConnection connection, HttpTarget target, ClientSink toClient, EventLoop loop) {
        this.connection = connection;
        this.target = target;
        this.toClient = toClient;
        this.loop = loop;
    }

    /** A request went to the target: its response comes in this order. */
    void forwarded(HttpMethod method) {
        responses.forwarded(method);
    }

    /**
     * A message of the target's codec (taking ownership), added to the current read's bytes.
     *
     * @return whether it ended a final response (an interim one is no answer yet)
     */
    boolean relay(ChannelHandlerContext ctx, Object msg) {
        if (pending == null) {
            pending = ctx.alloc().heapBuffer();
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            interim = code >= 100 && code < 200 && code != 101;
            responseStarted |= !interim;
            RequestRules.strip(response.headers(), target);
        }
        if (msg instanceof HttpObject) {
            boolean last = msg instanceof LastHttpContent;
            responses.encode(msg, pending);
            if (last) {
                if (interim) {
                    interim = false;
                    return false;
                }
                responseStarted = false;
                return true;
            }
        } else if (msg instanceof ByteBuf raw) {
            pending.writeBytes(raw); // after a 101 the codec hands on raw bytes
            raw.release();
        } else {
            ReferenceCountUtil.release(msg);
        }
        return false;
    }

    /** Whether bytes of the current final response went to the client (too late to answer 502 instead). */
    boolean responseStarted() {
        return responseStarted;
    }

    /** Whether the client took every chunk handed to it. */
    boolean allTaken() {
        return undelivered == 0;
    }

    /**
     * Hands the current read's bytes to the client (dropped once the connection ended).
     *
     * @return whether bytes were shipped
     */
    boolean ship() {
        ByteBuf out = pending;
        pending = null;
        if (out == null || !out.isReadable() || connection.ended()) {
            if (out != null) {
                out.release();
            }
            return false;
        }
        deliver(out);
        return true;
    }

    /** After the responses read so far: the connection's answer to a refused request, a plain-text page. */
    void refusalPage(RequestRules.Refusal r) {
        ship();
        byte[] body = (r.reason() + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ByteBuf out = Unpooled.buffer(body.length + 128);
        responses.encode(response, out);
        deliver(out);
    }

    private void deliver(ByteBuf out) {
        byte[] chunk;
        try {
            chunk = ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
        // Chunks go to the client strictly one after the other; the target is read again only when
        // every chunk so far was taken.
        undelivered++;
        delivered = delivered.thenCompose(v -> toClient.write(chunk));
        delivered.whenComplete((ok, error) -> {
            if (loop.inEventLoop()) {
                afterDelivery(error);
            } else {
                loop.execute(() -> afterDelivery(error));
            }
        });
    }

    private void afterDelivery(Throwable error) {
        undelivered--;
        connection.delivered(error);
    }

    /** Closes the client's side with {@code reason} once everything handed to it went out, then runs {@code then} on the loop. */
    void closeClientWhenDelivered(String reason, Runnable then) {
        delivered.whenComplete((ok, error) -> loop.execute(() -> {
            toClient.close(reason);
            then.run();
        }));
    }

    /** Frees the bytes not shipped and the encoder. */
    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        responses.close();
    }
}
