package dev.hoop.router.proxy;

import dev.hoop.router.config.RouterConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Backend → client: the response head made fit for the client ({@link ResponseHeads}), then its
 * body, flushed once per read of the backend; the backend is read only while the client can take
 * more. A failing backend's 5xx is held back (in the socket, not in memory) until its dead mark is
 * written, so the next request already avoids it. Decides whether the client connection stays
 * open, and at the end gives the backend connection back to the pool.
 */
final class ResponseRelay {
    /** What the relay reports to: the exchange, seen through what this stage needs of it. */
    interface Owner {
        boolean over();

        boolean done();

        boolean requestComplete();

        /** The router's own answer instead (an invalid response head). */
        void answer(int code, String reason);

        /** The exchange ends; the client connection stays when {@code keepAlive}. */
        void finish(boolean keepAlive);

        /** The response was relayed to its end. */
        void responseEnded(boolean clientKept);

        /** After a 101: both connections become a tunnel. */
        void switchToTunnel();
    }

    private final Owner exchange;
    private final BackendAttempt attempt;
    private final RequestFacts facts;
    private final RouterConfig.Server settings;
    /** The client. */
    private final ChannelHandlerContext ctx;
    /** Response parts that arrive while a dead mark is being written; created when needed. */
    private ArrayDeque<Object> held;
    private boolean holding;
    private boolean unflushed;
    private boolean started;
    /** A 1xx (100 Continue …) was relayed; its end is passed on and the real response follows. */
    private boolean interim;
    private boolean complete;
    private boolean backendKeepAlive;
    private boolean clientKept;
    private long headNanos;
    /** The backend's final status, once its head arrived; 0 before. */
    private int status;
    /** Body bytes relayed to the client. */
    private long bytesOut;

    ResponseRelay(Owner exchange, BackendAttempt attempt, RequestFacts facts, ChannelHandlerContext ctx,
                  RouterConfig.Server settings) {
        this.exchange = exchange;
        this.attempt = attempt;
        this.facts = facts;
        this.ctx = ctx;
        this.settings = settings;
    }

    /** Whether part of the backend's response went to the client (then closing is the only way to end it early). */
    boolean started() {
        return started;
    }

    /** Whether the backend's response was relayed to its end. */
    boolean complete() {
        return complete;
    }

    int status() {
        return status;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** When the backend's final response head arrived; 0 before. */
    long headNanos() {
        return headNanos;
    }

    /** A decoded response part from the backend (head, body chunk, end). */
    void onMessage(Object msg) {
        if (exchange.over()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (holding) {
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(msg);
            return;
        }
        if (msg instanceof HttpResponse head) {
            onHead(head);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The end of one read of the backend: body parts written to the client in it go out in one flush. */
    void onReadComplete() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    /** The client's buffer drained below its low watermark (or filled up): resume (or pause) reading the backend. */
    void onClientWritabilityChanged() {
        Channel backend = attempt.channel();
        if (backend != null && !holding) {
            boolean writable = ctx.channel().isWritable();
            if (backend.config().isAutoRead() != writable) {
                backend.config().setAutoRead(writable);
            }
        }
    }

    private void onHead(HttpResponse head) {
        if (head.decoderResult().isFailure()) {
            String error = attempt.failed("sent an invalid response ("
                    + Exchange.rootMessage(head.decoderResult().cause()) + ")");
            ReferenceCountUtil.release(head);
            attempt.discard();
            exchange.answer(502, error);
            return;
        }
        int code = head.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            interim = true; // 100 Continue and friends: relayed, the real response follows
            ctx.writeAndFlush(head);
            return;
        }
        headNanos = System.nanoTime();
        status = code;
        boolean retryAfter = code == 503 && head.headers().contains(HttpHeaderNames.RETRY_AFTER);
        boolean fails = code >= 500 && (code != 500 || settings.deadBackendOn500()) && !retryAfter;
        if (fails && attempt.route().backends().size() > 1) {
            // The mark is written before the client sees the answer, so the next request avoids it.
            holding = true;
            attempt.channel().config().setAutoRead(false); // the rest of the response waits in the socket, not in memory
            attempt.markDead(() -> {
                holding = false;
                Channel backend = attempt.channel();
                if (backend != null) {
                    backend.config().setAutoRead(ctx.channel().isWritable());
                }
                forwardHead(head);
                Object next;
                while (!holding && !exchange.done() && held != null && (next = held.poll()) != null) {
                    onMessage(next);
                }
            });
            return;
        }
        forwardHead(head);
    }

    private void forwardHead(HttpResponse head) {
        if (exchange.over()) {
            return;
        }
        started = true;
        backendKeepAlive = HttpUtil.isKeepAlive(head);
        boolean switching = facts.upgrade() && head.status().code() == 101;
        clientKept = ResponseHeads.prepare(head, facts.clientVersion(), facts.clientKeepAlive(), facts.headMethod(),
                switching);
        if (facts.debug()) {
            ResponseHeads.debug(head, attempt.route(), attempt.index(), facts.host(),
                    System.nanoTime() - facts.startNanos(), headNanos - attempt.connectNanos());
        }
        if (switching) {
            ctx.writeAndFlush(head);
            exchange.switchToTunnel();
            return;
        }
        ctx.write(head, ctx.voidPromise()); // a failed write closes the client: onClientClosed ends the exchange
        unflushed = true;
    }

    private void onContent(HttpContent content) {
        if (interim) {
            if (content instanceof LastHttpContent) {
                interim = false;
                ctx.writeAndFlush(content);
            } else {
                ReferenceCountUtil.release(content);
            }
            return;
        }
        bytesOut += content.content().readableBytes();
        if (!(content instanceof LastHttpContent last)) {
            // Flushed at the end of this read of the backend (onReadComplete); a failed write closes the
            // client, which ends the exchange (onClientClosed).
            ctx.write(content, ctx.voidPromise());
            unflushed = true;
            if (!ctx.channel().isWritable()) {
                attempt.channel().config().setAutoRead(false); // resumed by onClientWritabilityChanged
            }
            return;
        }
        if (last.decoderResult().isFailure()) {
            // The backend closed before its Content-Length: the client must not wait for the rest.
            ReferenceCountUtil.release(last);
            attempt.discard();
            ctx.flush();
            exchange.finish(false);
            return;
        }
        complete = true;
        attempt.release(settings.httpKeepAlive() && backendKeepAlive && exchange.requestComplete());
        unflushed = false;
        ctx.writeAndFlush(last, ctx.voidPromise());
        exchange.responseEnded(clientKept);
    }

    void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }
    }
}
