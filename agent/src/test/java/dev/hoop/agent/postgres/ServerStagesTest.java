package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connection stages on an {@link EmbeddedChannel}: every message each one sends, every
 * hand-over it makes, and then that nothing else was sent or handed over.
 */
class ServerStagesTest {
    private static final PostgresTarget TARGET = new PostgresTarget("db.example", 5432, "app", "pw", "appdb", ServerTls.DISABLED);

    /** Records the auth stage's hand-overs, in order. */
    private static final class Outcome implements ServerAuthHandler.Outcome {
        final List<Object> events = new ArrayList<>();

        @Override
        public void authenticated(ChannelHandlerContext ctx, ByteBuf rest) {
            events.add("authenticated:" + HexFormat.of().formatHex(ByteBufUtil.getBytes(rest)));
            rest.release();
        }

        @Override
        public void refusedByServer(byte[] errorResponse) {
            events.add("refused:" + HexFormat.of().formatHex(errorResponse));
        }

        @Override
        public void failed(ErrorResponse error) {
            events.add(error);
        }

        @Override
        public void relayToClient(byte[] message) {
            events.add("relay:" + HexFormat.of().formatHex(message));
        }
    }

    static byte[] message(char type, byte[] body) {
        byte[] m = new byte[5 + body.length];
        m[0] = (byte) type;
        int length = 4 + body.length;
        m[1] = (byte) (length >>> 24);
        m[2] = (byte) (length >>> 16);
        m[3] = (byte) (length >>> 8);
        m[4] = (byte) length;
        System.arraycopy(body, 0, m, 5, body.length);
        return m;
    }

    static byte[] auth(int code, byte[] extra) {
        byte[] body = new byte[4 + extra.length];
        body[0] = (byte) (code >>> 24);
        body[1] = (byte) (code >>> 16);
        body[2] = (byte) (code >>> 8);
        body[3] = (byte) code;
        System.arraycopy(extra, 0, body, 4, extra.length);
        return message('R', body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] cstrings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] outbound(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static EmbeddedChannel authChannel(PostgresTarget target, Outcome outcome) {
        return new EmbeddedChannel(new ServerAuthHandler(target, outcome));
    }

    // ---- ServerAuthHandler ----

    @Test
    void cleartextPasswordIsAnsweredOnce() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        ch.writeInbound(Unpooled.wrappedBuffer(auth(BackendMessages.AUTH_CLEARTEXT_PASSWORD, new byte[0])));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.password("pw"));
        assertThat(outbound(ch)).isNull();
        assertThat(outcome.events).isEmpty();
    }

    @Test
    void md5IsAnsweredAsLibpqComputesIt() throws Exception {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        byte[] salt = {1, 2, 3, 4};
        ch.writeInbound(Unpooled.wrappedBuffer(auth(BackendMessages.AUTH_MD5_PASSWORD, salt)));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        String inner = HexFormat.of().formatHex(md5.digest("pwapp".getBytes(StandardCharsets.UTF_8)));
        String outer = HexFormat.of().formatHex(md5.digest(concat(inner.getBytes(StandardCharsets.US_ASCII), salt)));
        assertThat(outbound(ch)).isEqualTo(FrontendMessages.password("md5" + outer));
        assertThat(outbound(ch)).isNull();
        assertThat(outcome.events).isEmpty();
    }

    @Test
    void scramStartsWithTheClientFirstMessage() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        ch.writeInbound(Unpooled.wrappedBuffer(auth(BackendMessages.AUTH_SASL, cstrings("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", ""))));
        byte[] sent = outbound(ch);
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        assertThat(sent[0]).isEqualTo((byte) 'p');
        assertThat(text).contains("SCRAM-SHA-256\0").contains("n,,n=*,r=").doesNotContain("pw");
        assertThat(outbound(ch)).isNull();
        assertThat(outcome.events).isEmpty();
    }

    @Test
    void authenticationOkHandsOverTheRestOnceAndRemovesTheStage() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        byte[] rest = concat(BackendMessages.authenticationOk(), BackendMessages.parameterStatus("a", "b"),
                BackendMessages.readyForQuery('I'));
        // split inside the AuthenticationOk message
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(rest, 3)));
        assertThat(outcome.events).isEmpty();
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(rest, 3, rest.length)));
        assertThat(outcome.events).containsExactly("authenticated:" + HexFormat.of().formatHex(rest));
        assertThat(ch.pipeline().get(ServerAuthHandler.class)).isNull();
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void theServersRefusalIsHandedOverWholeAndNothingIsAnswered() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        byte[] refusal = ErrorResponse.fatal("28P01", "password authentication failed for user \"app\"", null).encode();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(refusal, auth(BackendMessages.AUTH_CLEARTEXT_PASSWORD, new byte[0]))));
        assertThat(outcome.events).containsExactly("refused:" + HexFormat.of().formatHex(refusal));
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void negotiateProtocolVersionGoesToTheClientAndNoticesNowhere() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        byte[] negotiate = message('v', new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
        byte[] notice = message('N', concat(new byte[] {'M'}, cstrings("password expires soon", "")));
        ch.writeInbound(Unpooled.wrappedBuffer(concat(negotiate, notice)));
        assertThat(outcome.events).containsExactly("relay:" + HexFormat.of().formatHex(negotiate));
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void failuresNameTheServerAndWhatWentWrong() {
        record Case(PostgresTarget target, byte[] inbound, ErrorResponse expected) {
        }
        PostgresTarget noPassword = new PostgresTarget("db.example", 5432, "app", "", "appdb", ServerTls.DISABLED);
        List<Case> cases = List.of(
                new Case(TARGET, auth(BackendMessages.AUTH_GSS, new byte[0]), ErrorResponse.fatal("28000",
                        "the server at db.example:5432 asks for " + BackendMessages.authenticationName(BackendMessages.AUTH_GSS)
                                + " authentication, which the hoop agent does not support",
                        "Supported: SCRAM-SHA-256, MD5 and cleartext password; change pg_hba.conf for this user.")),
                new Case(TARGET, auth(BackendMessages.AUTH_SASL, cstrings("SCRAM-SHA-256-PLUS", "")), ErrorResponse.fatal("28000",
                        "the server at db.example:5432 offers SASL mechanisms [SCRAM-SHA-256-PLUS] but the hoop agent"
                                + " supports only SCRAM-SHA-256", null)),
                new Case(TARGET, auth(BackendMessages.AUTH_SASL_CONTINUE, "r=x".getBytes(StandardCharsets.UTF_8)),
                        ErrorResponse.fatal("28000", "SCRAM-SHA-256 authentication with the server at db.example:5432 failed:"
                                + " the server continued a SASL exchange that was not started", null)),
                new Case(noPassword, auth(BackendMessages.AUTH_MD5_PASSWORD, new byte[4]), ErrorResponse.fatal("28P01",
                        "the server at db.example:5432 asks for " + BackendMessages.authenticationName(BackendMessages.AUTH_MD5_PASSWORD)
                                + " authentication of user \"app\" but the connection stores no password (PASS)",
                        "Set PASS in the connection's secrets.")),
                new Case(TARGET, new byte[] {'R', 0x7f, 0, 0, 0}, ErrorResponse.fatal("08P01", "the server at db.example:5432"
                        + " sent a message of type 'R' and length 2130706432 during authentication; is it a PostgreSQL server?", null)),
                new Case(TARGET, message('D', new byte[2]), ErrorResponse.fatal("08P01",
                        "the server at db.example:5432 sent message type 'D' before authentication completed", null)));
        for (Case c : cases) {
            Outcome outcome = new Outcome();
            EmbeddedChannel ch = authChannel(c.target, outcome);
            ch.writeInbound(Unpooled.wrappedBuffer(c.inbound));
            assertThat(outcome.events).as("%s", c.expected.message()).containsExactly(c.expected);
            assertThat(outbound(ch)).as("%s", c.expected.message()).isNull();
        }
    }

    @Test
    void aServerThatClosesDuringAuthenticationIsReportedOnce() {
        Outcome outcome = new Outcome();
        EmbeddedChannel ch = authChannel(TARGET, outcome);
        ch.close();
        assertThat(outcome.events).containsExactly(ErrorResponse.fatal("08006",
                "the server at db.example:5432 closed the connection during authentication", null));
        assertThat(outbound(ch)).isNull();
    }

    // ---- ServerTlsNegotiator ----

    private static final class TlsOutcome implements ServerTlsNegotiator.Outcome {
        final List<Object> events = new ArrayList<>();

        @Override
        public void ready() {
            events.add("ready");
        }

        @Override
        public void failed(ErrorResponse error) {
            events.add(error);
        }
    }

    private static EmbeddedChannel tlsChannel(ServerTls tls, TlsOutcome outcome) {
        ServerTlsNegotiator negotiator = new ServerTlsNegotiator(TARGET, tls, outcome);
        EmbeddedChannel ch = new EmbeddedChannel(negotiator);
        negotiator.start(ch.pipeline().context(negotiator));
        assertThat(outbound(ch)).isEqualTo(new StartupPacket.SslRequest().encode());
        return ch;
    }

    @Test
    void aRefusalInPreferModeGoesOnInClear() {
        TlsOutcome outcome = new TlsOutcome();
        EmbeddedChannel ch = tlsChannel(ServerTls.from(Map.of("SSLMODE", "prefer")), outcome);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'N'}));
        assertThat(outcome.events).containsExactly("ready");
        assertThat(ch.pipeline().get(ServerTlsNegotiator.class)).isNull();
        assertThat(outbound(ch)).isNull();
    }

    @Test
    void acceptanceReplacesTheStageWithTls() {
        TlsOutcome outcome = new TlsOutcome();
        EmbeddedChannel ch = tlsChannel(ServerTls.from(Map.of("SSLMODE", "require")), outcome);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'S'}));
        assertThat(ch.pipeline().get(ServerTlsNegotiator.class)).isNull();
        assertThat(ch.pipeline().get("tls")).isInstanceOf(SslHandler.class);
        byte[] hello = outbound(ch);
        assertThat(hello[0]).as("a TLS handshake record").isEqualTo((byte) 0x16);
        assertThat(outbound(ch)).isNull();
        assertThat(outcome.events).isEmpty(); // ready only once the handshake completes
    }

    @Test
    void tlsFailuresSayWhy() {
        record Case(String mode, byte[] answer, ErrorResponse expected) {
        }
        List<Case> cases = List.of(
                new Case("require", new byte[] {'N'}, ErrorResponse.fatal("08001", "the server at db.example:5432 does not"
                        + " accept SSL connections, but SSLMODE=require", "Enable ssl on the server or change SSLMODE in the"
                        + " connection's secrets.")),
                new Case("prefer", new byte[] {'E'}, ErrorResponse.fatal("08P01", "the server at db.example:5432 answered"
                        + " the SSL request with 'E'; is it a PostgreSQL server?", null)));
        for (Case c : cases) {
            TlsOutcome outcome = new TlsOutcome();
            EmbeddedChannel ch = tlsChannel(ServerTls.from(Map.of("SSLMODE", c.mode)), outcome);
            ch.writeInbound(Unpooled.wrappedBuffer(c.answer));
            assertThat(outcome.events).containsExactly(c.expected);
            assertThat(outbound(ch)).isNull();
        }
        TlsOutcome outcome = new TlsOutcome();
        EmbeddedChannel ch = tlsChannel(ServerTls.from(Map.of("SSLMODE", "prefer")), outcome);
        ch.close();
        assertThat(outcome.events).containsExactly(ErrorResponse.fatal("08006",
                "the server at db.example:5432 closed the connection when asked for SSL", null));
    }
}
