package dev.hoop.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Http1ResponderTest {
    /** Stands in for gRPC's handler: records what reaches it. */
    static final class Grpc extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        final java.util.List<Object> events = new java.util.ArrayList<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.add("active");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            seen.writeBytes(bytes);
        }
    }

    final Grpc grpc = new Grpc();
    final AtomicBoolean serving = new AtomicBoolean(true);
    final EmbeddedChannel ch = new EmbeddedChannel(new Http1Responder(grpc, serving::get));

    private String written() {
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return b.toString();
    }

    private void send(String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @CsvSource({
            "'GET / HTTP/1.1',         200 OK",
            "'GET /healthz HTTP/1.1',  200 OK",
            "'GET /?probe=1 HTTP/1.0', 200 OK",
            "'GET /api/healthz HTTP/1.1', 426 Upgrade Required",
            "'POST /pb.Transport/Connect HTTP/1.1', 426 Upgrade Required",
            "'POST / HTTP/1.0',        426 Upgrade Required",
    })
    void anHttp1RequestIsAnsweredHereAndTheConnectionClosed(String requestLine, String status) {
        send(requestLine + "\r\nhost: gateway\r\n\r\n");
        String answer = written();
        assertThat(answer).startsWith("HTTP/1.1 " + status + "\r\n").contains("\r\nconnection: close\r\n");
        if (status.startsWith("200")) {
            assertThat(answer).endsWith("\r\n\r\n{\"status\":\"ok\"}");
        } else {
            assertThat(answer).endsWith("\r\n\r\n" + Http1Responder.PROXY_ADVICE).contains("grpc_pass");
        }
        assertThat(grpc.seen.size()).as("nothing reached gRPC").isZero();
        assertThat(grpc.events).as("gRPC's handler was never added: no SETTINGS frame before the answer").isEmpty();
        assertThat(ch.pipeline().get(Grpc.class)).isNull();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theHealthCheckSays503WhileTheGatewayDoesNotServeAndHeadHasNoBody() {
        serving.set(false);
        send("HEAD / HTTP/1.1\r\n\r\n");
        String answer = written();
        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n").endsWith("\r\n\r\n").contains("content-length: ");
    }

    @Test
    void aRequestLineArrivingInPiecesIsWaitedFor() {
        send("GE");
        send("T /hea");
        assertThat(written()).isEmpty();
        send("lthz HTTP/1.1\r\n\r\n");
        assertThat(written()).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "P", "PR", "\u0016\u0003\u0001\u0002\u0000", "\u0000\u0000"})
    void http2TlsAndBinaryBytesGoToGrpcUntouchedAndTheResponderLeaves(String bytes) {
        ch.pipeline().fireUserEventTriggered("negotiation");
        assertThat(grpc.events).as("held until the first bytes are judged").isEmpty();
        send(bytes);
        assertThat(grpc.events).as("replayed in their order").containsExactly("negotiation", "active");
        assertThat(written()).isEmpty();
        assertThat(grpc.seen.toString(StandardCharsets.ISO_8859_1)).isEqualTo(bytes);
        assertThat(ch.pipeline().get(Http1Responder.class)).isNull();
        send("more");
        assertThat(grpc.seen.toString(StandardCharsets.ISO_8859_1)).isEqualTo(bytes + "more");
    }

    @Test
    void anEndlessRequestLineIsCutAfterTheLimitWithoutAnAnswer() {
        send("GET /" + "a".repeat(Http1Responder.MAX_REQUEST_LINE));
        assertThat(written()).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(grpc.seen.size()).isZero();
    }

    @Test
    void aLineThatIsNotHttpIsClosedWithoutAnAnswer() {
        send("HELLO there\r\n");
        assertThat(written()).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }
}
