package dev.hoop.agent.postgres;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletionStage;

/**
 * Server-to-client relay after authentication, with backpressure: the server channel reads
 * nothing on its own (auto-read off, one message per read) and the next read is asked for only
 * when the client sink accepted the previous chunk.
 */
final class ServerRelayHandler extends ChannelInboundHandlerAdapter {
    /** Where relayed bytes and the end of the server connection go; called on the event loop. */
    interface Client {
        /** Sends to the client; the stage completes when the transport can take more. */
        CompletionStage<Void> send(byte[] bytes);

        void serverClosed();

        void serverFailed(Throwable cause);
    }

    private final BackendFilter filter;
    private final Client client;

    ServerRelayHandler(BackendFilter filter, Client client) {
        this.filter = filter;
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(in);
        } finally {
            in.release();
        }
        byte[] out = filter.filter(bytes);
        if (out.length == 0) {
            ctx.read();
            return;
        }
        client.send(out).whenComplete((ok, error) -> {
            // Usually the stream has room and this runs at once, on this loop: reading again from
            // inside channelRead keeps the socket's read interest on (no epoll_ctl off and on again).
            if (ctx.executor().inEventLoop()) {
                afterSend(ctx, error);
            } else {
                ctx.executor().execute(() -> afterSend(ctx, error));
            }
        });
    }

    private void afterSend(ChannelHandlerContext ctx, Throwable error) {
        if (error != null) {
            client.serverFailed(error);
        } else {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.serverClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.serverFailed(cause);
    }
}
