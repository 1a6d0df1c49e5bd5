package dev.hoop.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * One request from a client through to its answer, coordinating three stages: the
 * {@link BackendAttempt} (route, backend choice, connection, retries, dead marks), the
 * {@link RequestRelay} (client → backend) and the {@link ResponseRelay} (backend → client). The
 * exchange itself keeps what the request is and how it ended (the router's own answer, the backend's
 * answer, a tunnel, or a lost client); at the end it hands one immutable {@link ExchangeResult} to
 * the metrics and the access log. The relays keep their own counts (status, bytes) and are read
 * once then, instead of writing into the exchange.
 *
 * <p>Each stage is given the request's {@link RequestFacts} and reports back only through its own
 * narrow {@code Owner} interface (the backend connection through {@link BackendHandler.Listener}):
 * no stage reads or writes the exchange's fields.
 *
 * <p>Every method runs on the client channel's event loop (backend connections are opened on the
 * same loop), so there is no locking; the only asynchronous hop, the route store, comes back
 * through {@link BackendAttempt}.
 */
final class Exchange implements BackendAttempt.Owner, RequestRelay.Owner, ResponseRelay.Owner,
        BackendHandler.Listener {
    final ProxyServices services;
    final FrontendHandler frontend;
    final ChannelHandlerContext ctx;
    final RequestFacts facts;

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

    Exchange(ProxyServices services, FrontendHandler frontend, ChannelHandlerContext ctx, RequestFacts facts) {
        this.services = services;
        this.frontend = frontend;
        this.ctx = ctx;
        this.facts = facts;
        this.requestRelay = new RequestRelay(this, facts, services.settings);
    }

    void start() {
        attempt = new BackendAttempt(this, this, facts, ctx, services);
        attempt.lookup();
    }

    /** The answer is out (the router's own, or the backend's before the request ended) or the exchange ended. */
    @Override
    public boolean over() {
        return answered || done;
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public boolean requestComplete() {
        return requestRelay.complete();
    }

    /** The backend connection in use, else null. */
    @Override
    public Channel backend() {
        return attempt == null ? null : attempt.channel();
    }

    /** The attempt has a connection, bound to this exchange: the request goes out. */
    @Override
    public void onBackendConnected(Channel ch) {
        if (responseRelay == null) {
            responseRelay = new ResponseRelay(this, attempt, facts, ctx, services.settings);
        }
        requestRelay.sendTo(ch);
        frontend.updateReading();
    }

    /** Whether the client connection may be read now: body parts can go on (or be dropped), or the next request may come. */
    boolean canTakeMore() {
        if (facts.upgrade() && !answered && !done) {
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

    @Override
    public void onBackendMessage(Object msg) {
        responseRelay.onMessage(msg);
    }

    @Override
    public void onBackendReadComplete() {
        responseRelay.onReadComplete();
    }

    @Override
    public void onBackendWritabilityChanged() {
        frontend.updateReading();
    }

    /** The backend connection closed or failed before the exchange ended. */
    @Override
    public void onBackendClosed(Throwable cause) {
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

    @Override
    public void onBackendIdle() {
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
    @Override
    public void answer(int code, String reason) {
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
        FullHttpResponse page = code == 200 ? FrontendHandler.ok() : services.errors.response(code, reason, facts.clientKeepAlive());
        if (!facts.clientKeepAlive()) {
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
    @Override
    public void rejectBody(Throwable cause) {
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
    @Override
    public void responseEnded(boolean clientKept) {
        if (!requestRelay.complete()) {
            answered = true; // an early answer: drop the rest of the body, then go on
            frontend.updateReading();
            return;
        }
        finish(clientKept);
    }

    @Override
    public void maybeFinish() {
        if (!done && (answered || (responseRelay != null && responseRelay.complete())) && requestRelay.complete()) {
            finish(facts.clientKeepAlive());
        }
    }

    /** After the backend's 101: the exchange ends and both connections become a byte tunnel. */
    @Override
    public void switchToTunnel() {
        done = true;
        Channel ch = attempt.detach();
        log();
        frontend.tunnel(ch);
    }

    @Override
    public void finish(boolean keepAlive) {
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
        services.exchanges.record(new ExchangeResult(facts.client().remote(), facts.head(), facts.clientVersion(),
                status == 0 && clientGone ? 499 : status, bytes, identifier == null ? "-" : identifier,
                (now - facts.startNanos()) / 1e9, headNanos == 0 ? -1 : (headNanos - attempt.connectNanos()) / 1e9));
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
