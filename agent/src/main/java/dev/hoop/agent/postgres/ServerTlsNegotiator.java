package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;

/**
 * Asks the server for TLS (SSLRequest), and on {@code S} replaces itself with an
 * {@link SslHandler}; on {@code N} goes on in clear only when the mode allows it. Removes itself
 * either way: after this the pipeline sees the server's protocol as if no TLS were involved.
 */
final class ServerTlsNegotiator extends ChannelInboundHandlerAdapter {
    /** Where the negotiation ends; called on the channel's event loop. */
    interface Outcome {
        /** The channel is ready for the StartupMessage (encrypted or, when allowed, not). */
        void ready();

        void failed(ErrorResponse error);
    }

    private final PostgresTarget target;
    private final ServerTls tls;
    private final Outcome outcome;
    private boolean answered;

    ServerTlsNegotiator(PostgresTarget target, ServerTls tls, Outcome outcome) {
        this.target = target;
        this.tls = tls;
        this.outcome = outcome;
    }

    /** Sends the SSLRequest; the channel must be active with this handler first in its pipeline. */
    void start(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new StartupPacket.SslRequest().encode()));
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (answered || !in.isReadable()) {
                ctx.read();
                return;
            }
            answered = true;
            byte answer = in.readByte();
            if (answer == 'S') {
                SslHandler ssl = tls.context().newHandler(ctx.alloc(), target.host(), target.port());
                ctx.pipeline().replace(this, "tls", ssl);
                ssl.handshakeFuture().addListener(f -> {
                    if (f.isSuccess()) {
                        outcome.ready();
                    } else {
                        outcome.failed(ErrorResponse.fatal("08001", "TLS with the database server at " + target.address()
                                + " failed (SSLMODE=" + tls.mode().text + "): " + PostgresSession.describe(f.cause()), null));
                    }
                });
            } else if (answer == 'N' && !tls.mode().requires()) {
                ctx.pipeline().remove(this);
                outcome.ready();
            } else if (answer == 'N') {
                outcome.failed(ErrorResponse.fatal("08001", "the server at " + target.address()
                        + " does not accept SSL connections, but SSLMODE=" + tls.mode().text,
                        "Enable ssl on the server or change SSLMODE in the connection's secrets."));
            } else {
                outcome.failed(ErrorResponse.fatal("08P01", "the server at " + target.address()
                        + " answered the SSL request with '" + (char) answer + "'; is it a PostgreSQL server?", null));
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!answered) {
            answered = true;
            outcome.failed(ErrorResponse.fatal("08006", "the server at " + target.address()
                    + " closed the connection when asked for SSL", null));
        }
        ctx.fireChannelInactive();
    }
}
