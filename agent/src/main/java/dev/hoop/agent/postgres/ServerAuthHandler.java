package dev.hoop.agent.postgres;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;
import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Authenticates the agent to the real server with the stored password, answering the server's
 * requests: cleartext, MD5 and SCRAM-SHA-256 (ongres scram-client). The password never leaves
 * this handler except towards the server. On AuthenticationOk it removes itself and hands the
 * bytes from that message on to the relay, so the client sees the server's AuthenticationOk,
 * ParameterStatus, BackendKeyData and ReadyForQuery as the server sent them.
 */
final class ServerAuthHandler extends ChannelInboundHandlerAdapter {
    static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    /** Authentication messages are small; a longer one means the peer is not a PostgreSQL server. */
    private static final int MAX_AUTH_MESSAGE = 64 * 1024;

    /** How authentication ended; called on the channel's event loop. */
    interface Outcome {
        /** Authenticated; {@code rest} starts at the AuthenticationOk message (ownership passes). */
        void authenticated(ChannelHandlerContext ctx, ByteBuf rest);

        /** The server said no: its ErrorResponse, whole, for the client. */
        void refusedByServer(byte[] errorResponse);

        /** The agent cannot authenticate (method unsupported, bad SCRAM exchange, no password). */
        void failed(ErrorResponse error);

        /** A message meant for the client that does not end authentication (NegotiateProtocolVersion). */
        void relayToClient(byte[] message);
    }

    private final PostgresTarget target;
    private final Outcome outcome;
    private ByteBuf cumulation = Unpooled.EMPTY_BUFFER;
    private ScramClient scram;
    private boolean done;

    ServerAuthHandler(PostgresTarget target, Outcome outcome) {
        this.target = target;
        this.outcome = outcome;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (done) {
            in.release();
            return;
        }
        cumulation = cumulation.isReadable() ? Unpooled.wrappedBuffer(cumulation, in) : release(cumulation, in);
        while (!done && cumulation.readableBytes() >= 5) {
            int start = cumulation.readerIndex();
            char type = (char) cumulation.getByte(start);
            int length = cumulation.getInt(start + 1);
            if (length < 4 || length > MAX_AUTH_MESSAGE) {
                fail(ErrorResponse.fatal("08P01", "the server at " + target.address()
                        + " sent a message of type '" + type + "' and length " + length
                        + " during authentication; is it a PostgreSQL server?", null));
                return;
            }
            if (cumulation.readableBytes() < 1 + length) {
                break;
            }
            if (type == BackendMessages.AUTHENTICATION && cumulation.getInt(start + 5) == BackendMessages.AUTH_OK) {
                done = true;
                ByteBuf rest = cumulation;
                cumulation = Unpooled.EMPTY_BUFFER;
                ctx.pipeline().remove(this);
                outcome.authenticated(ctx, rest);
                return;
            }
            byte[] message = new byte[1 + length];
            cumulation.readBytes(message);
            handle(ctx, type, message);
        }
        if (!done) {
            ctx.read();
        }
    }

    private void handle(ChannelHandlerContext ctx, char type, byte[] message) {
        switch (type) {
            case BackendMessages.AUTHENTICATION -> answer(ctx, message);
            case BackendMessages.ERROR_RESPONSE -> {
                done = true;
                outcome.refusedByServer(message);
            }
            // The client must learn which protocol version and options the server accepted.
            case BackendMessages.NEGOTIATE_PROTOCOL_VERSION -> outcome.relayToClient(message);
            case BackendMessages.NOTICE_RESPONSE -> { } // e.g. a password expiry warning: for the agent, not the user

            default -> fail(ErrorResponse.fatal("08P01", "the server at " + target.address()
                    + " sent message type '" + type + "' before authentication completed", null));
        }
    }

    private void answer(ChannelHandlerContext ctx, byte[] message) {
        int code = int32(message, 5);
        boolean asksPassword = code == BackendMessages.AUTH_CLEARTEXT_PASSWORD
                || code == BackendMessages.AUTH_MD5_PASSWORD || code == BackendMessages.AUTH_SASL;
        if (asksPassword && target.password().isEmpty()) {
            fail(ErrorResponse.fatal("28P01", "the server at " + target.address() + " asks for "
                    + BackendMessages.authenticationName(code) + " authentication of user \"" + target.user()
                    + "\" but the connection stores no password (PASS)", "Set PASS in the connection's secrets."));
            return;
        }
        try {
            switch (code) {
                case BackendMessages.AUTH_CLEARTEXT_PASSWORD -> send(ctx, FrontendMessages.password(target.password()));
                case BackendMessages.AUTH_MD5_PASSWORD -> send(ctx, FrontendMessages.password(md5(message)));
                case BackendMessages.AUTH_SASL -> startScram(ctx, message);
                case BackendMessages.AUTH_SASL_CONTINUE -> {
                    requireScram();
                    scram.serverFirstMessage(text(message));
                    send(ctx, FrontendMessages.saslResponse(
                            scram.clientFinalMessage().toString().getBytes(StandardCharsets.UTF_8)));
                }
                case BackendMessages.AUTH_SASL_FINAL -> {
                    requireScram();
                    scram.serverFinalMessage(text(message)); // verifies the server knows the password too
                }
                default -> fail(ErrorResponse.fatal("28000", "the server at " + target.address()
                        + " asks for " + BackendMessages.authenticationName(code)
                        + " authentication, which the hoop agent does not support", "Supported: "
                        + SCRAM_SHA_256 + ", MD5 and cleartext password; change pg_hba.conf for this user."));
            }
        } catch (ScramException | IllegalStateException | IllegalArgumentException e) {
            fail(ErrorResponse.fatal("28000", "SCRAM-SHA-256 authentication with the server at "
                    + target.address() + " failed: " + e.getMessage(), null));
        }
    }

    private void startScram(ChannelHandlerContext ctx, byte[] message) {
        List<String> mechanisms = new ArrayList<>();
        int p = 9;
        while (p < message.length && message[p] != 0) {
            int end = p;
            while (end < message.length && message[end] != 0) {
                end++;
            }
            mechanisms.add(new String(message, p, end - p, StandardCharsets.UTF_8));
            p = end + 1;
        }
        // No TLS to the server, so no channel binding: only the plain mechanism can be used.
        if (!mechanisms.contains(SCRAM_SHA_256)) {
            fail(ErrorResponse.fatal("28000", "the server at " + target.address() + " offers SASL mechanisms "
                    + mechanisms + " but the hoop agent supports only " + SCRAM_SHA_256, null));
            return;
        }
        scram = ScramClient.builder()
                .advertisedMechanisms(List.of(SCRAM_SHA_256))
                .username("*") // PostgreSQL takes the user from the startup message
                .password(target.password().toCharArray())
                .build();
        send(ctx, FrontendMessages.saslInitialResponse(SCRAM_SHA_256,
                scram.clientFirstMessage().toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void requireScram() {
        if (scram == null) {
            throw new IllegalStateException("the server continued a SASL exchange that was not started");
        }
    }

    /** {@code "md5" + md5hex(md5hex(password + user) + salt)}, as libpq computes it. */
    private String md5(byte[] message) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] inner = digest.digest((target.password() + target.user()).getBytes(StandardCharsets.UTF_8));
            digest.update(HexFormat.of().formatHex(inner).getBytes(StandardCharsets.US_ASCII));
            digest.update(message, 9, 4);
            return "md5" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private void send(ChannelHandlerContext ctx, byte[] message) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(message));
    }

    private void fail(ErrorResponse error) {
        done = true;
        outcome.failed(error);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            fail(ErrorResponse.fatal("08006", "the server at " + target.address()
                    + " closed the connection during authentication", null));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            fail(ErrorResponse.fatal("08006", "connection to the server at " + target.address()
                    + " failed during authentication: " + cause.getMessage(), null));
        }
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cumulation.release();
        cumulation = Unpooled.EMPTY_BUFFER;
    }

    private static ByteBuf release(ByteBuf old, ByteBuf in) {
        old.release();
        return in;
    }

    private static String text(byte[] message) {
        return new String(message, 9, message.length - 9, StandardCharsets.UTF_8);
    }

    private static int int32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
