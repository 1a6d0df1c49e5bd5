package dev.hoop.client.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drops a local PostgreSQL client that has not finished its startup in time, as PostgreSQL does
 * with {@code authentication_timeout} (60 s by default): otherwise a socket that sent half a
 * startup packet, or nothing, would hold a connection of the session forever.
 *
 * <p>It watches the bytes on their way (they pass through unchanged) for the end of the startup:
 * a complete {@code StartupMessage} or {@code CancelRequest}. An {@code SSLRequest} or
 * {@code GSSENCRequest} (8 bytes) comes before the startup message and does not end it. Once the
 * startup is complete the handler removes itself; until then, when the time is up, it closes the
 * socket (the agent is told through the socket's close).
 */
final class StartupDeadline extends ChannelInboundHandlerAdapter {
    /** PostgreSQL's {@code authentication_timeout} default. */
    static final Duration DEFAULT = Duration.ofSeconds(60);
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    private final Duration limit;
    /** The current packet's first 8 bytes (length, then code) as they arrive. */
    private final byte[] header = new byte[8];
    private int headerBytes;
    /** Bytes of the current packet still to come once its header is known; -1 before. */
    private long remaining = -1;
    private ScheduledFuture<?> timer;

    StartupDeadline(Duration limit) {
        this.limit = limit;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                if (ctx.channel().isActive()) {
                    ctx.close();
                }
            }, limit.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && watch(buf)) {
            timer.cancel(false);
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /** @return true once a complete StartupMessage or CancelRequest went by */
    private boolean watch(ByteBuf buf) {
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (at < end) {
            if (remaining < 0) {
                int n = Math.min(8 - headerBytes, end - at);
                buf.getBytes(at, header, headerBytes, n);
                headerBytes += n;
                at += n;
                if (headerBytes < 8) {
                    return false;
                }
                long length = Integer.toUnsignedLong(readInt(0));
                int code = readInt(4);
                remaining = Math.max(0, length - 8);
                if (remaining == 0 && length == 8 && (code == SSL_REQUEST || code == GSSENC_REQUEST)) {
                    // a request for encryption: the startup message comes next
                    headerBytes = 0;
                    remaining = -1;
                    continue;
                }
            }
            long n = Math.min(remaining, end - at);
            remaining -= n;
            at += (int) n;
            if (remaining == 0) {
                return true;
            }
        }
        return false;
    }

    private int readInt(int offset) {
        return (header[offset] & 0xff) << 24 | (header[offset + 1] & 0xff) << 16 | (header[offset + 2] & 0xff) << 8 | header[offset + 3] & 0xff;
    }
}
