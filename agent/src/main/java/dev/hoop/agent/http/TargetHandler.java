package dev.hoop.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of the target's pipeline: hands everything to its {@link HttpConnection}, on the
 * connection's loop (the target channel's). A handler of its own so that the connection is not a
 * Netty handler itself: it is driven by the client's packets as much as by the target.
 */
final class TargetHandler extends ChannelInboundHandlerAdapter {
    private final HttpConnection connection;

    TargetHandler(HttpConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.fromTarget(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.targetReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.targetClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.targetFailed(cause);
        ctx.close();
    }
}
