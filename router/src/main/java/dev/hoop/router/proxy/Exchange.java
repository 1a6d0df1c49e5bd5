package dev.hoop.router.proxy;

import dev.hoop.router.driver.Route;
import dev.hoop.router.log.AccessLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
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
 * One request from a client through to its answer: route lookup, backend choice, response relay,
 * dead marks and retries, and the access log line; the request goes out through its
 * {@link RequestRelay}. Every method runs on the
 * client channel's event loop (backend connections are opened on the same loop), so there is no
 * locking; the only asynchronous hop, the route store, comes back through {@link #onLoop}.
 */
final class Exchange {
    private static final AsciiString X_DEBUG = AsciiString.cached("x-debug");
    final ProxyServices services;
    final FrontendHandler frontend;
    final ChannelHandlerContext ctx;
    final HttpRequest request;
    final String scheme;
    private final long startNanos = System.nanoTime();
    final String host;
    private final boolean clientKeepAlive;
    private final HttpVersion clientVersion;
    final boolean upgrade;
    private final boolean debug;

    private final RequestRelay requestRelay = new RequestRelay(this);
    // routing
    private Route route = Route.NONE;
    private int index = -1;
    private BackendChoice choice;
    private String lastError = "no live backend";
    // backend side
    private Channel backend;
    private long backendStartNanos;
    private long backendHeadNanos;
    /** Response parts that arrive while a dead mark is being written; created when needed. */
    private ArrayDeque<Object> held;
    private boolean holding;
    private boolean unflushed;
    private boolean responseStarted;
    private boolean interim;
    private boolean responseComplete;
    private boolean backendKeepAlive;
    private boolean clientKept;
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

    private void onLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    void start() {
        services.lookup.find(host).whenComplete((r, error) -> onLoop(() -> onRoute(r, error)));
    }

    private void onRoute(Route found, Throwable error) {
        if (done || answered) {
            return;
        }
        if (error != null) {
            services.metrics.storeError();
            answer(502, "route store unavailable (" + rootMessage(error) + "); try again shortly");
            return;
        }
        route = found;
        if (!route.found()) {
            answer(400, "unknown virtual host '" + host + "'");
            return;
        }
        if (route.backends().isEmpty()) {
            answer(502, "frontend '" + route.frontendKey() + "' has no backends");
            return;
        }
        choice = new BackendChoice(route, services.settings.retryOnError());
        pickAndConnect();
    }

    private void pickAndConnect() {
        int next = choice.next();
        if (next < 0) {
            answer(502, choice.anyTried() ? lastError : "no live backend for '" + host + "'");
            return;
        }
        index = next;
        connect(false);
    }

    private void connect(boolean fresh) {
        String url = route.backends().get(index);
        BackendAddress address;
        try {
            address = services.address(url);
        } catch (IllegalArgumentException e) {
            lastError = e.getMessage();
            pickAndConnect();
            return;
        }
        backendStartNanos = System.nanoTime();
        services.pool(ctx.channel().eventLoop()).acquire(address, fresh || upgrade).addListener(f -> {
            if (f.isSuccess()) {
                onConnected((Channel) f.getNow());
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private void onConnectFailed(Throwable cause) {
        if (done || answered) {
            return;
        }
        if (cause instanceof BackendPool.PoolTimeoutException) {
            answer(504, cause.getMessage());
            return;
        }
        boolean timeout = cause instanceof ConnectTimeoutException;
        String url = route.backends().get(index);
        lastError = "backend " + url + (timeout ? " did not accept the connection in time" : " refused the connection")
                + " (" + rootMessage(cause) + ")";
        int code = timeout ? 504 : 502;
        markDead(() -> {
            if (choice.retry()) {
                pickAndConnect();
            } else {
                answer(code, lastError);
            }
        });
    }

    /** Marks the current backend dead (when the frontend has more than one) and then continues. */
    private void markDead(Runnable then) {
        int count = route.backends().size();
        if (count <= 1) {
            then.run();
            return;
        }
        services.metrics.deadMark(route.identifier());
        services.lookup.markDead(host, route.backends().get(index), index, count, services.settings.deadBackendTTL())
                .whenComplete((ok, error) -> onLoop(() -> {
                    if (error != null) {
                        services.metrics.storeError();
                    }
                    then.run();
                }));
    }

    private void onConnected(Channel ch) {
        if (done || answered || !ctx.channel().isActive()) {
            services.pool(ctx.channel().eventLoop()).release(ch, false);
            return;
        }
        backend = ch;
        ch.pipeline().get(BackendHandler.class).bind(this);
        requestRelay.sendTo(ch);
        frontend.updateReading();
    }

    /** The answer is out (the router's own, or the backend's before the request ended) or the exchange ended. */
    boolean over() {
        return answered || done;
    }

    boolean requestComplete() {
        return requestRelay.complete();
    }

    /** The backend connection in use, else null. */
    Channel backend() {
        return backend;
    }

    /** Whether the client connection may be read now: body parts can go on (or be dropped), or the next request may come. */
    boolean canTakeMore() {
        if (upgrade && !answered && !done) {
            return false; // after a WebSocket upgrade request the client's next bytes belong to the tunnel
        }
        if (requestRelay.complete() || answered || done) {
            return true;
        }
        return backend != null && backend.isWritable();
    }

    void onBackendWritabilityChanged() {
        frontend.updateReading();
    }

    /** The client's buffer drained below its low watermark (or filled up): resume (or pause) reading the backend. */
    void onClientWritabilityChanged() {
        if (backend != null && !holding) {
            boolean writable = ctx.channel().isWritable();
            if (backend.config().isAutoRead() != writable) {
                backend.config().setAutoRead(writable);
            }
        }
    }

    /** The end of one read of the backend: body parts written to the client in it go out in one flush. */
    void onBackendReadComplete() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    /** A body chunk from the client. */
    void onClientContent(HttpContent c) {
        requestRelay.onContent(c);
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
            lastError = "backend " + route.backends().get(index) + " sent an invalid response ("
                    + rootMessage(head.decoderResult().cause()) + ")";
            ReferenceCountUtil.release(head);
            discardBackend();
            answer(502, lastError);
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
        if (fails && route.backends().size() > 1) {
            // The mark is written before the client sees the answer, so the next request avoids it.
            holding = true;
            backend.config().setAutoRead(false); // the rest of the response waits in the socket, not in memory
            markDead(() -> {
                holding = false;
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
            ResponseHeads.debug(head, route, index, host, System.nanoTime() - startNanos,
                    backendHeadNanos - backendStartNanos);
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
                backend.config().setAutoRead(false); // resumed by onClientWritabilityChanged
            }
            return;
        }
        if (last.decoderResult().isFailure()) {
            // The backend closed before its Content-Length: the client must not wait for the rest.
            ReferenceCountUtil.release(last);
            discardBackend();
            ctx.flush();
            finish(false);
            return;
        }
        responseComplete = true;
        Channel ch = backend;
        backend = null;
        ch.pipeline().get(BackendHandler.class).unbind();
        services.pool(ctx.channel().eventLoop())
                .release(ch, services.settings.httpKeepAlive() && backendKeepAlive && requestRelay.complete());
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
        if (done || responseComplete || backend == null) {
            return;
        }
        boolean reused = Boolean.TRUE.equals(backend.attr(BackendPool.REUSED).get());
        discardBackend();
        if (responseStarted) {
            finish(false); // part of the response is out: closing is the only honest signal
            return;
        }
        if (reused && requestRelay.replayable()) {
            // A kept-alive connection the backend had closed meanwhile: the request is replayable.
            requestRelay.replaying();
            connect(true);
            return;
        }
        lastError = "backend " + route.backends().get(index) + " closed the connection before answering"
                + (cause == null ? "" : " (" + rootMessage(cause) + ")");
        answer(502, lastError);
    }

    void onBackendIdle() {
        if (done || responseComplete) {
            return;
        }
        if (!responseStarted) {
            lastError = "backend " + route.backends().get(index) + " did not answer within "
                    + services.settings.tcpTimeout() + " s (server.tcpTimeout)";
            discardBackend();
            markDead(() -> answer(504, lastError));
        } else if (ctx.channel().isWritable()) {
            discardBackend();
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
        if (backend != null) {
            Channel ch = backend;
            backend = null;
            ch.pipeline().get(BackendHandler.class).unbind();
            ch.close();
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

    private void switchToTunnel() {
        Channel ch = backend;
        backend = null;
        done = true;
        log();
        ch.pipeline().remove(BackendHandler.class);
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
        double backendTime = backendHeadNanos == 0 ? 0 : (backendHeadNanos - backendStartNanos) / 1e9;
        String id = route.identifier() == null ? "-" : route.identifier();
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
