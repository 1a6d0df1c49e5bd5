package dev.hoop.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * One request from a client through to its answer, coordinating three stages: the
 * {@link BackendAttempt} (route, backend choice, connection, retries, dead marks), the
 * {@link RequestRelay} (client → backend) and the {@link ResponseRelay} (backend → client). The
 * exchange itself keeps what the request is and how it ended (the router's own answer, the backend's
 * answer, a tunnel, or a lost client); at the end it hands one immutable {@link ExchangeResult} to
 * the metrics and the access log. The relays keep their own counts (status, bytes) and are read
 * once then, instead of writing into the exchange.
 *
 * <p>Every method runs on the client channel's event loop (backend connections are opened on the
 * same loop), so there is no locking; the only asynchronous hop, the route store, comes back
 * through {@link BackendAttempt}.
 */
final class Exchange {
    private static final AsciiString X_DEBUG = AsciiString.cached("x-debug");
    final ProxyServices services;
    final FrontendHandler frontend;
    final ClientConnection client;
    final ChannelHandlerContext ctx;
    final HttpRequest request;
    final String scheme;
    final long startNanos = System.nanoTime();
    final String host;
    final boolean clientKeepAlive;
    final HttpVersion clientVersion;
    final boolean upgrade;
    final boolean debug;

    private final RequestRelay requestRelay;
    /** Null while the router answers by itself without a lookup (ping, no Host). */
    private BackendAttempt attempt;
    /** Null until a backend connection exists (created then, so that answers without a backend cost no more). */
    private ResponseRelay responseRelay;

    // outcome
    private boolean answered;
    private boolean done;
    /** The status of the router's own answer; 0 when the backend's answer (or none) went out. */
    private int ownStatus;
    private long ownBytes;
    private boolean clientGone;

    Exchange(ProxyServices services, FrontendHandler frontend, ClientConnection client, ChannelHandlerContext ctx,
             HttpRequest request, String host, String scheme) {
        this.services = services;
        this.frontend = frontend;
        this.client = client;
        this.ctx = ctx;
        this.request = request;
        this.host = host;
        this.scheme = scheme;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.clientVersion = request.protocolVersion();
        this.upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        this.debug = request.headers().contains(X_DEBUG);
        this.requestRelay = new RequestRelay(this, request, client, scheme, upgrade, services.settings);
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
        if (responseRelay == null) {
            responseRelay = new ResponseRelay(this, attempt);
        }
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

    void onClientWritabilityChanged() {
        if (responseRelay != null) {
            responseRelay.onClientWritabilityChanged();
        }
    }

    // Events of the bound backend connection (BackendHandler).

    void onBackendMessage(Object msg) {
        responseRelay.onMessage(msg);
    }

    void onBackendReadComplete() {
        responseRelay.onReadComplete();
    }

    void onBackendWritabilityChanged() {
        frontend.updateReading();
    }

    /** The backend connection closed or failed before the exchange ended. */
    void onBackendClosed(Throwable cause) {
        if (done || responseRelay.complete() || attempt.channel() == null) {
            return;
        }
        boolean reused = attempt.reused();
        attempt.discard();
        if (responseRelay.started()) {
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
        if (done || responseRelay.complete()) {
            return;
        }
        if (!responseRelay.started()) {
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
            clientGone = true;
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
        if (responseRelay != null && responseRelay.started()) {
            discardBackend();
            finish(false);
            return;
        }
        discardBackend();
        answered = true;
        ownStatus = code;
        releaseQueued();
        FullHttpResponse page = code == 200 ? FrontendHandler.ok() : services.errors.response(code, reason, clientKeepAlive);
        if (!clientKeepAlive) {
            page.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ownBytes = page.content().readableBytes();
        ctx.writeAndFlush(page);
        if (requestRelay.complete()) {
            maybeFinish();
        } else {
            frontend.updateReading(); // read and drop the rest of the body
        }
    }

    /**
     * A body part the codec could not frame (an invalid chunk size or chunk end): 400 and close. The
     * backend connection is closed too, so that what of the request went out is never completed by
     * bytes the backend would read as another request.
     */
    void rejectBody(Throwable cause) {
        if (done) {
            return;
        }
        discardBackend();
        if (over() || (responseRelay != null && responseRelay.started())) {
            finish(false);
            return;
        }
        answered = true;
        ownStatus = 400;
        releaseQueued();
        FullHttpResponse page = services.errors.response(400, "malformed request body (" + rootMessage(cause)
                + ")", false);
        ownBytes = page.content().readableBytes();
        ctx.write(page, ctx.voidPromise());
        finish(false);
    }

    /** The backend's response was relayed to its end. */
    void responseEnded(boolean clientKept) {
        if (!requestRelay.complete()) {
            answered = true; // an early answer: drop the rest of the body, then go on
            frontend.updateReading();
            return;
        }
        finish(clientKept);
    }

    void maybeFinish() {
        if (!done && (answered || (responseRelay != null && responseRelay.complete())) && requestRelay.complete()) {
            finish(clientKeepAlive);
        }
    }

    /** After the backend's 101: the exchange ends and both connections become a byte tunnel. */
    void switchToTunnel() {
        done = true;
        Channel ch = attempt.detach();
        log();
        frontend.tunnel(ch);
    }

    void finish(boolean keepAlive) {
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
        long headNanos = responseRelay == null ? 0 : responseRelay.headNanos();
        int status = ownStatus != 0 ? ownStatus : responseRelay == null ? 0 : responseRelay.status();
        long bytes = ownStatus != 0 ? ownBytes : responseRelay == null ? 0 : responseRelay.bytesOut();
        String identifier = attempt == null ? null : attempt.route().identifier();
        services.exchanges.record(new ExchangeResult(client.remote(), request, clientVersion,
                status == 0 && clientGone ? 499 : status, bytes, identifier == null ? "-" : identifier,
                (now - startNanos) / 1e9, headNanos == 0 ? -1 : (headNanos - attempt.connectNanos()) / 1e9));
    }

    private void releaseQueued() {
        requestRelay.releasePending();
        if (responseRelay != null) {
            responseRelay.releaseHeld();
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
