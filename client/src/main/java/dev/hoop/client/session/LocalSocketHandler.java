package dev.hoop.client.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One local socket of a {@code hoop connect} session (a psql, a TCP client). Auto-read is off:
 * each chunk read is sent to the gateway tagged with this socket's {@code client.connection_id},
 * and the next read happens only once the send went through, so a slow gateway slows the local
 * client instead of filling memory.
 *
 * <p>Sends happen on the socket's event loop and never wait: when the gRPC stream is full the
 * packet stays in this socket's outbox (at most a chunk and the close, since reading stops) and
 * goes out when the stream calls back with room. This used to be one virtual thread per socket
 * doing blocking sends; the hop to that thread and back cost more than the send itself.
 */
final class LocalSocketHandler extends ChannelInboundHandlerAdapter {
    private final PacketSink stream;
    private final String connectionId;
    private final ByteString connectionIdBytes;
    private final String writeType;
    private final boolean serverConnect;
    private final Map<String, io.netty.channel.Channel> sockets;
    /** Packets not yet taken by the stream, in order; touched on the event loop only. */
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private boolean waitingForRoom;

    /** A packet to send, and whether the socket reads again once it went out. */
    private record Outgoing(Packet packet, boolean readAfter) {}

    /**
     * @param serverConnect true for TCP: tell the agent to connect at once, so a server that speaks
     *                      first reaches the client before the client wrote anything
     */
    LocalSocketHandler(PacketSink stream, String connectionId, String writeType, boolean serverConnect,
                       Map<String, io.netty.channel.Channel> sockets) {
        this.stream = stream;
        this.connectionId = connectionId;
        this.connectionIdBytes = ByteString.copyFromUtf8(connectionId);
        this.writeType = writeType;
        this.serverConnect = serverConnect;
        this.sockets = sockets;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sockets.put(connectionId, ctx.channel());
        if (serverConnect) {
            outbox.add(new Outgoing(Wire.packet(writeType,
                    Map.of(SpecKey.CLIENT_CONNECTION_ID, connectionId, SpecKey.TCP_SERVER_CONNECT, "true"), null), false));
        }
        flush(ctx);
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
        Packet data = Packet.newBuilder().setType(writeType).putSpec(SpecKey.CLIENT_CONNECTION_ID, connectionIdBytes)
                .setPayload(UnsafeByteOperations.unsafeWrap(bytes)) // a fresh array: wrapped, not copied
                .build();
        outbox.add(new Outgoing(data, true));
        flush(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sockets.remove(connectionId, ctx.channel());
        outbox.add(new Outgoing(Wire.packet(AgentPacket.CLOSE_TCP_CONNECTION,
                Map.of(SpecKey.CLIENT_CONNECTION_ID, connectionId), null), false));
        flush(ctx);
    }

    /** Sends what the stream takes now; the rest waits for the stream's room callback. */
    private void flush(ChannelHandlerContext ctx) {
        while (!waitingForRoom && !outbox.isEmpty()) {
            Outgoing next = outbox.peek();
            SessionStream.Offer offer = stream.sendOrWait(next.packet(), () -> ctx.channel().eventLoop().execute(() -> {
                waitingForRoom = false;
                flush(ctx);
            }));
            switch (offer) {
                case SENT -> {
                    outbox.poll();
                    if (next.readAfter() && ctx.channel().isActive()) {
                        ctx.read();
                    }
                }
                case WAITING -> waitingForRoom = true;
                case ENDED -> {
                    outbox.clear();
                    ctx.close();
                }
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset from the local client: closing is all there is to do; channelInactive tells the agent
        ctx.close();
    }
}
