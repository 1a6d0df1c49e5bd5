package dev.hoop.router.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a backend connection: hands the decoded response to the exchange the
 * connection is lent to. An idle pooled connection that times out or talks out of turn is closed.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(BackendHandler.class);
    /** The events of a connection lent to an exchange. */
    interface Listener {
        /** A decoded response part. */
        void onBackendMessage(Object msg);

        /** The end of one read of the backend. */
        void onBackendReadComplete();

        void onBackendWritabilityChanged();

        /** The connection closed or failed ({@code cause} null for a plain close). */
        void onBackendClosed(Throwable cause);

        /** {@code server.tcpTimeout} without traffic. */
        void onBackendIdle();
    }

    private Listener exchange;

    void bind(Listener exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // a response nobody asked for: the connection is out of sync
            return;
        }
        exchange.onBackendMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            Listener e = exchange;
            exchange = null;
            e.onBackendClosed(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (exchange == null) {
                ctx.close();
            } else {
                exchange.onBackendIdle();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("backend {}: {}", ctx.channel().remoteAddress(), cause.toString());
        if (exchange != null) {
            Listener e = exchange;
            exchange = null;
            e.onBackendClosed(cause);
        }
        ctx.close();
    }
}
