package dev.hoop.client.session;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One local socket of a {@code hoop connect} session (a psql, a TCP client). Auto-read is off:
 * each chunk read is sent to the gateway tagged with this socket's {@code client.connection_id},
 * and the next read happens only once the send went through, so a slow gateway slows the local
 * client instead of filling memory. Sends run on one virtual thread per socket, in order, off the
 * event loop (a send may wait for room on the gRPC stream).
 */
final class LocalSocketHandler extends ChannelInboundHandlerAdapter {
    private final SessionStream stream;
    private final String connectionId;
    private final String writeType;
    private final boolean serverConnect;
    private final Map<String, io.netty.channel.Channel> sockets;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("hoop-socket-", 0).factory());

    /**
     * @param serverConnect true for TCP: tell the agent to connect at once, so a server that speaks
     *                      first reaches the client before the client wrote anything
     */
    LocalSocketHandler(SessionStream stream, String connectionId, String writeType, boolean serverConnect,
                       Map<String, io.netty.channel.Channel> sockets) {
        this.stream = stream;
        this.connectionId = connectionId;
        this.writeType = writeType;
        this.serverConnect = serverConnect;
        this.sockets = sockets;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sockets.put(connectionId, ctx.channel());
        if (serverConnect) {
            sender.execute(() -> stream.send(Wire.packet(writeType,
                    Map.of(SpecKey.CLIENT_CONNECTION_ID, connectionId, SpecKey.TCP_SERVER_CONNECT, "true"), null)));
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
        sender.execute(() -> {
            if (stream.send(Wire.packet(writeType, Map.of(SpecKey.CLIENT_CONNECTION_ID, connectionId), bytes))) {
                ctx.channel().eventLoop().execute(ctx::read);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sockets.remove(connectionId, ctx.channel());
        sender.execute(() -> stream.send(Wire.packet(AgentPacket.CLOSE_TCP_CONNECTION,
                Map.of(SpecKey.CLIENT_CONNECTION_ID, connectionId), null)));
        sender.shutdown();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset from the local client: closing is all there is to do; channelInactive tells the agent
        ctx.close();
    }
}
