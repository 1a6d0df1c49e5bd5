package dev.hoop.client.connect;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted local socket. Auto-read is off: the first read is asked when the socket becomes
 * active and each next one only after the previous chunk was handed to a ready gateway stream.
 */
final class LocalSocketHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LocalSocketHandler.class);

    private final String id;
    private final LocalSockets sockets;

    LocalSocketHandler(String id, LocalSockets sockets) {
        this.id = id;
        this.sockets = sockets;
    }

    String connectionId() {
        return id;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        sockets.register(id, ctx.channel());
        sockets.readWhenReady(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            sockets.fromSocket(id, ctx.channel(), ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            sockets.socketWritable(id);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sockets.socketClosed(id);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("local connection {} failed: {}; closing it", id, cause.toString());
        ctx.close();
    }
}
