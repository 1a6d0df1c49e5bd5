package dev.hoop.router.proxy;

import dev.hoop.router.lookup.HostNames;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection (or one HTTP/2 stream): takes decoded requests one at a
 * time and hands each to an {@link Exchange}. The connection is read while the current exchange
 * can take more and nothing waits in the backlog (messages the decoder produced ahead of time:
 * pipelined requests); otherwise reading pauses until it can (see {@link #updateReading}).
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    static final String PING_HOST = "__ping__";

    private final ProxyServices services;
    private final String scheme;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private boolean closing;
    private ClientConnection client;

    FrontendHandler(ProxyServices services, String scheme) {
        this.services = services;
        this.scheme = scheme;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Backpressure by pausing reads only while the exchange cannot take more (a pipelined request waits, the
     * backend connection is not there yet or its buffer is full), instead of auto-read off and one read() per
     * message: with epoll every such read re-arms the socket (two epoll_ctl calls per request, measured).
     */
    void updateReading() {
        if (closing) {
            return; // messages read from now on are dropped; the connection is about to close
        }
        boolean want = backlog.isEmpty() && (exchange == null || exchange.canTakeMore());
        if (ctx.channel().config().isAutoRead() != want) {
            ctx.channel().config().setAutoRead(want);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The client side of this connection, made at its first request. */
    private ClientConnection client() {
        if (client == null) {
            client = ClientConnection.of(ctx.channel());
        }
        return client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        backlog.add(msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        updateReading(); // once per read, not per message: a request head alone would pause until its end is decoded
        ctx.fireChannelReadComplete();
    }

    private void drain() {
        while (!backlog.isEmpty() && !closing) {
            Object msg = backlog.peek();
            if (exchange == null) {
                backlog.poll();
                begin(msg);
            } else if (!exchange.requestComplete() && msg instanceof HttpContent c && !(msg instanceof HttpRequest)) {
                backlog.poll();
                exchange.onClientContent(c);
            } else {
                return; // the next pipelined request waits for the current exchange
            }
        }
    }

    private void begin(Object msg) {
        if (msg instanceof FullHttpRequest full) {
            // HTTP/2 HEADERS with END_STREAM arrive whole: split into head + end, as HTTP/1 decodes it.
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            backlog.addFirst(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            msg = head;
        }
        if (!(msg instanceof HttpRequest request)) {
            ReferenceCountUtil.release(msg); // a body part whose request was already answered
            return;
        }
        if (request.decoderResult().isFailure()) {
            services.metrics.request(400, "-", -1);
            FullHttpResponse page = services.errors.response(400, "malformed request ("
                    + Exchange.rootMessage(request.decoderResult().cause()) + ")", false);
            closeAfter(page);
            return;
        }
        RequestChecks.Refusal refusal = RequestChecks.check(request);
        if (refusal != null) {
            services.metrics.request(refusal.status(), "-", -1);
            closeAfter(services.errors.response(refusal.status(), refusal.reason(), false));
            return;
        }
        String host = HostNames.normalize(request.headers().get(HttpHeaderNames.HOST));
        exchange = new Exchange(services, this, ctx, RequestFacts.of(request, host, scheme, client()));
        if (PING_HOST.equals(host)) {
            exchange.answer(200, "ok"); // liveness, without touching the route store
        } else if (host.isEmpty()) {
            exchange.answer(400, "no Host header (expected: Host: <virtual host>)");
        } else {
            exchange.start();
        }
    }

    static FullHttpResponse ok() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, 2)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return r;
    }

    /** Called by the exchange when its answer is fully written (or abandoned). */
    void exchangeDone(boolean keepAlive) {
        exchange = null;
        if (!keepAlive) {
            closing = true;
            backlog.forEach(ReferenceCountUtil::release);
            backlog.clear();
            if (ctx.channel() instanceof Http2StreamChannel) {
                ctx.flush();
                ctx.close(); // the stream's end was written; closing resets it only if it was not
            } else {
                // Closes once everything queued before is written (close() alone would drop it).
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        drain();
        updateReading();
    }

    /** After a 101 Switching Protocols: both connections become a plain byte tunnel. */
    void tunnel(Channel backend) {
        exchange = null;
        closing = true;
        Channel client = ctx.channel();
        // The tunnel reads one chunk at a time, the next after the previous write succeeded (RawRelay).
        client.config().setAutoRead(false);
        backend.config().setAutoRead(false);
        ChannelPipeline p = ctx.pipeline();
        p.addLast("tunnel", new RawRelay(backend));
        backend.pipeline().addLast("tunnel", new RawRelay(client));
        backend.pipeline().remove("codec"); // hands any bytes read past the 101 to the relay
        p.remove(this);
        p.remove(RequestCodec.class);
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        client.read();
        backend.read();
    }

    private void closeAfter(FullHttpResponse page) {
        closing = true;
        page.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange == null) {
            ctx.close(); // server.tcpTimeout without a request
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
