package dev.hoop.router.proxy;

import dev.hoop.router.log.AccessLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One request from a client through to its answer: the {@link BackendAttempt} finds and connects
 * a backend, the {@link RequestRelay} sends the request; the exchange relays the response, ends
 * the exchange and writes the access log line.
 *
 * <p>Every method runs on the client channel's event loop (backend connections are opened on the
 * same loop), so there is no locking; the only asynchronous hop, the route store, comes back
 * through {@link BackendAttempt}.
 */
final class Exchange {
    private static final AsciiString X_DEBUG = AsciiString.cached("x-debug");
    final ProxyServices services;
    final FrontendHandler frontend;
    final ChannelHandlerContext ctx;
    final HttpRequest request;
    final String scheme;
    final long startNanos = System.nanoTime();
    final String host;
    final boolean clientKeepAlive;
    final HttpVersion clientVersion;
    final boolean upgrade;
    final boolean debug;

    private final RequestRelay requestRelay = new RequestRelay(this);
    /** Null while the router answers by itself without a lookup (ping, no Host). */
    private BackendAttempt attempt;
    /** Response parts that arrive while a dead mark is being written; created when needed. */
    private ArrayDeque<Object> held;
    private boolean holding;
    private boolean unflushed;
    private boolean responseStarted;
    private boolean interim;
    private boolean responseComplete;
    private boolean backendKeepAlive;
    private boolean clientKept;
    private long backendHeadNanos;

    // outcome
    private boolean answered;
    private boolean done;
    private int status;
    private long bytesOut;

    Exchange(ProxyServices services, FrontendHandler frontend, ChannelHandlerContext ctx, HttpRequest request,
             String host, String scheme) {
        this.services = services;
        this.frontend = frontend;
        this.ctx = ctx;
        this.request = request;
        this.host = host;
        this.scheme = scheme;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.clientVersion = request.protocolVersion();
        this.upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        this.debug = request.headers().contains(X_DEBUG);
    }

    void start() {
        attempt = new BackendAttempt(this);
        attempt.lookup();
    }

    /** The answer is out (the router's own, or the backend's before the request ended) or the exchange ended. */
    boolean over() {
        return answered || done;
    }

    boolean done() {
        return done;
    }

    boolean requestComplete() {
        return requestRelay.complete();
    }

    /** The backend connection in use, else null. */
    Channel backend() {
        return attempt == null ? null : attempt.channel();
    }

    /** The attempt has a connection, bound to this exchange: the request goes out. */
    void onBackendConnected(Channel ch) {
        requestRelay.sendTo(ch);
        frontend.updateReading();
    }

    /** Whether the client connection may be read now: body parts can go on (or be dropped), or the next request may come. */
    boolean canTakeMore() {
        if (upgrade && !answered && !done) {
            return false; // after a WebSocket upgrade request the client's next bytes belong to the tunnel
        }
        if (requestRelay.complete() || answered || done) {
            return true;
        }
        return attempt != null && attempt.writable();
    }

    /** A body chunk from the client. */
    void onClientContent(HttpContent c) {
        requestRelay.onContent(c);
    }

    /** The client's buffer drained below its low watermark (or filled up): resume (or pause) reading the backend. */
    void onClientWritabilityChanged() {
        Channel backend = backend();
        if (backend != null && !holding) {
            boolean writable = ctx.channel().isWritable();
            if (backend.config().isAutoRead() != writable) {
                backend.config().setAutoRead(writable);
            }
        }
    }

    // Events of the bound backend connection (BackendHandler).

    /** The end of one read of the backend: body parts written to the client in it go out in one flush. */
    void onBackendReadComplete() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    void onBackendWritabilityChanged() {
        frontend.updateReading();
    }

    /** A decoded response part from the backend (head, body chunk, end). */
    void onBackendMessage(Object msg) {
        if (done || answered) {
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
            onResponseHead(head);
        } else if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse head) {
        if (head.decoderResult().isFailure()) {
            String error = attempt.failed("sent an invalid response ("
                    + rootMessage(head.decoderResult().cause()) + ")");
            ReferenceCountUtil.release(head);
            attempt.discard();
            answer(502, error);
            return;
        }
        int code = head.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            interim = true; // 100 Continue and friends: relayed, the real response follows
            ctx.writeAndFlush(head);
            return;
        }
        backendHeadNanos = System.nanoTime();
        status = code;
        boolean retryAfter = code == 503 && head.headers().contains(HttpHeaderNames.RETRY_AFTER);
        boolean fails = code >= 500 && (code != 500 || services.settings.deadBackendOn500()) && !retryAfter;
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
                while (!holding && !done && held != null && (next = held.poll()) != null) {
                    onBackendMessage(next);
                }
            });
            return;
        }
        forwardHead(head);
    }

    private void forwardHead(HttpResponse head) {
        if (done || answered) {
            return;
        }
        responseStarted = true;
        backendKeepAlive = HttpUtil.isKeepAlive(head);
        boolean switching = upgrade && head.status().code() == 101;
        clientKept = ResponseHeads.prepare(head, clientVersion, clientKeepAlive,
                request.method().equals(HttpMethod.HEAD), switching);
        if (debug) {
            ResponseHeads.debug(head, attempt.route(), attempt.index(), host, System.nanoTime() - startNanos,
                    backendHeadNanos - attempt.connectNanos());
        }
        if (switching) {
            ctx.writeAndFlush(head);
            switchToTunnel();
            return;
        }
        ctx.write(head, ctx.voidPromise()); // a failed write closes the client: onClientClosed ends the exchange
        unflushed = true;
    }

    private void onResponseContent(HttpContent content) {
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
            // Flushed at the end of this read of the backend (onBackendReadComplete); a failed write closes the
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
            finish(false);
            return;
        }
        responseComplete = true;
        attempt.release(services.settings.httpKeepAlive() && backendKeepAlive && requestRelay.complete());
        unflushed = false;
        ctx.writeAndFlush(last, ctx.voidPromise());
        if (!requestRelay.complete()) {
            answered = true; // an early answer: drop the rest of the body, then go on
            frontend.updateReading();
            return;
        }
        finish(clientKept);
    }

    /** The backend connection closed or failed before the exchange ended. */
    void onBackendClosed(Throwable cause) {
        if (done || responseComplete || attempt.channel() == null) {
            return;
        }
        boolean reused = attempt.reused();
        attempt.discard();
        if (responseStarted) {
            finish(false); // part of the response is out: closing is the only honest signal
            return;
        }
        if (reused && requestRelay.replayable()) {
            // A kept-alive connection the backend had closed meanwhile: the request is replayable.
            requestRelay.replaying();
            attempt.reconnect();
            return;
        }
        answer(502, attempt.failed("closed the connection before answering"
                + (cause == null ? "" : " (" + rootMessage(cause) + ")")));
    }

    void onBackendIdle() {
        if (done || responseComplete) {
            return;
        }
        if (!responseStarted) {
            attempt.failed("did not answer within " + services.settings.tcpTimeout() + " s (server.tcpTimeout)");
            attempt.discard();
            attempt.markDead(() -> answer(504, attempt.lastError()));
        } else if (ctx.channel().isWritable()) {
            attempt.discard();
            finish(false);
        }
    }

    /** The client went away: nothing more to send anywhere. */
    void onClientClosed() {
        discardBackend();
        releaseQueued();
        if (!done) {
            if (status == 0) {
                status = 499;
            }
            finish(false);
        }
    }

    private void discardBackend() {
        if (attempt != null) {
            attempt.discard();
        }
    }

    /** The router's own answer (error page or ping); the rest of the request body is dropped. */
    void answer(int code, String reason) {
        if (done) {
            return;
        }
        if (responseStarted) {
            discardBackend();
            finish(false);
            return;
        }
        discardBackend();
        answered = true;
        status = code;
        releaseQueued();
        FullHttpResponse page = code == 200 ? FrontendHandler.ok() : services.errors.response(code, reason, clientKeepAlive);
        if (!clientKeepAlive) {
            page.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        bytesOut = page.content().readableBytes();
        ctx.writeAndFlush(page);
        if (requestRelay.complete()) {
            maybeFinish();
        } else {
            frontend.updateReading(); // read and drop the rest of the body
        }
    }

    void maybeFinish() {
        if (!done && (answered || responseComplete) && requestRelay.complete()) {
            finish(clientKeepAlive);
        }
    }

    /** After the backend's 101: the exchange ends and both connections become a byte tunnel. */
    private void switchToTunnel() {
        done = true;
        Channel ch = attempt.detach();
        log();
        frontend.tunnel(ch);
    }

    private void finish(boolean keepAlive) {
        if (done) {
            return;
        }
        done = true;
        releaseQueued();
        log();
        frontend.exchangeDone(keepAlive);
    }

    private void log() {
        long now = System.nanoTime();
        double total = (now - startNanos) / 1e9;
        double backendTime = backendHeadNanos == 0 ? 0 : (backendHeadNanos - attempt.connectNanos()) / 1e9;
        String identifier = attempt == null ? null : attempt.route().identifier();
        String id = identifier == null ? "-" : identifier;
        services.metrics.request(status, id, backendHeadNanos == 0 ? -1 : backendTime);
        if (services.accessLog.enabled()) {
            services.accessLog.log(AccessLog.Entry.of(ctx.channel().remoteAddress(), request, clientVersion, status,
                    bytesOut, id, total, backendTime));
        }
    }

    private void releaseQueued() {
        requestRelay.releasePending();
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }
    }

    static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
