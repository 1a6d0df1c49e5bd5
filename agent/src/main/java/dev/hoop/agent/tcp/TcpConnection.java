package dev.hoop.agent.tcp;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.Causes;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One relayed TCP connection. Auto-read is off: the next read from the server happens only when
 * the client sink took the previous chunk; client bytes complete their stage when the socket
 * wrote them. A refused connection, an error or the server's close end the client connection
 * with the reason.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements ConnectionHandler {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final TcpAddress address;
    private final ClientSink toClient;
    private final ChannelFuture connect;
    private final AtomicBoolean ended = new AtomicBoolean();
    // Event-loop confined: the chain of chunks handed to the client, and how many are not taken yet.
    private CompletionStage<Void> delivered = CompletableFuture.completedFuture(null);
    private int undelivered;

    TcpConnection(Bootstrap bootstrap, TcpAddress address, ClientSink toClient) {
        this.address = address;
        this.toClient = toClient;
        this.connect = bootstrap.handler(this).connect(address.host(), address.port());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connect.channel().read();
            } else {
                end("cannot connect to " + address + ": " + Causes.message(f.cause()));
            }
        });
    }

    @Override
    public CompletionStage<Void> write(byte[] fromClient) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                written.completeExceptionally(new IllegalStateException("not connected to " + address));
                return;
            }
            if (fromClient.length == 0) {
                written.complete(null);
                return;
            }
            connect.channel().writeAndFlush(Unpooled.wrappedBuffer(fromClient)).addListener(w -> {
                if (w.isSuccess()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(w.cause());
                }
            });
        });
        return written;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] chunk;
        try {
            chunk = ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
        // Even with auto-read off, epoll may deliver a buffer nobody asked for (auto-read is "just a
        // hint" in edge-triggered mode, netty/netty#13142):
        // chunks are handed to the client strictly one after the other, and the next read() is
        // asked for only when every chunk read so far was taken.
        undelivered++;
        delivered = delivered.thenCompose(v -> toClient.write(chunk));
        delivered.whenComplete((ok, error) -> {
            // At once on this loop when the stream has room: reading again from inside channelRead
            // keeps the socket's read interest on (no epoll_ctl off and on again).
            if (ctx.executor().inEventLoop()) {
                afterDelivery(ctx, error);
            } else {
                ctx.executor().execute(() -> afterDelivery(ctx, error));
            }
        });
    }

    private void afterDelivery(ChannelHandlerContext ctx, Throwable error) {
        undelivered--;
        if (error != null) {
            log.debug("tcp {}: client gone ({}); closing", address, error.getMessage());
            ctx.close();
        } else if (undelivered == 0) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(address + " closed the connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end("connection to " + address + " failed: " + Causes.message(cause));
        ctx.close();
    }

    @Override
    public void close() {
        // Closed by the client or the session: nothing to tell the client.
        ended.set(true);
        connect.channel().close();
    }

    private void end(String reason) {
        if (ended.compareAndSet(false, true)) {
            toClient.close(reason);
            connect.channel().close();
        }
    }
}
