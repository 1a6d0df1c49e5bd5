package dev.hoop.client.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalSocketsTest {
    private final RecordingStream stream = new RecordingStream();

    /** Counts the reads the handler asks of the socket (auto-read is off). */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads.incrementAndGet();
            ctx.read();
        }
    }

    private record Socket(EmbeddedChannel channel, ReadCounter reads) {}

    private Socket socket(LocalSockets sockets) {
        ReadCounter reads = new ReadCounter();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(reads, sockets.accept());
        ch.pipeline().fireChannelActive();
        return new Socket(ch, reads);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static Packet packet(String type, String id, String payload) {
        return Wire.packet(type, Map.of(SpecKey.CLIENT_CONNECTION_ID, id), payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(ConnectionKind.class)
    void socketBytesBecomeAgentPacketsTaggedWithTheConnectionId(ConnectionKind kind) {
        LocalSockets sockets = new LocalSockets(kind, stream);
        Socket first = socket(sockets);
        Socket second = socket(sockets);

        first.channel().writeInbound(bytes("hello"));
        second.channel().writeInbound(bytes("world"));

        Packet a = stream.sent.poll();
        Packet b = stream.sent.poll();
        assertThat(a.getType()).isEqualTo(kind.toAgent());
        assertThat(a.getSpecMap()).containsOnlyKeys(SpecKey.CLIENT_CONNECTION_ID);
        assertThat(Wire.spec(a, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("1");
        assertThat(a.getPayload().toStringUtf8()).isEqualTo("hello");
        assertThat(Wire.spec(b, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("2");
        assertThat(b.getPayload().toStringUtf8()).isEqualTo("world");
        assertThat(stream.sent).isEmpty();
    }

    @Test
    void aSocketIsReadOnlyWhileTheStreamIsReady() {
        LocalSockets sockets = new LocalSockets(ConnectionKind.POSTGRES, stream);
        Socket s = socket(sockets);
        assertThat(s.reads().reads).hasValue(1); // the first read, on activation

        stream.ready(false);
        s.channel().writeInbound(bytes("chunk-1"));
        assertThat(stream.sent).hasSize(1);
        assertThat(s.reads().reads).as("no next read while the stream is not ready").hasValue(1);

        stream.ready(true);
        assertThat(s.reads().reads).as("reading resumes on ready").hasValue(2);
        s.channel().writeInbound(bytes("chunk-2"));
        assertThat(s.reads().reads).hasValue(3);
    }

    @Test
    void gatewayBytesGoToTheSocketWithThatIdAndTheNextPacketIsRequested() {
        LocalSockets sockets = new LocalSockets(ConnectionKind.TCP, stream);
        sockets.start();
        Socket first = socket(sockets);
        Socket second = socket(sockets);
        assertThat(stream.requested).hasValue(1);

        assertThat(sockets.onPacket(packet(ClientPacket.TCP_CONNECTION_WRITE, "2", "for-two"))).isTrue();

        ByteBuf out = second.channel().readOutbound();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("for-two");
        out.release();
        assertThat((Object) first.channel().readOutbound()).isNull();
        assertThat(stream.requested).hasValue(2);
    }

    /** Holds flushes while closed, as a socket whose peer does not read would. */
    static final class FlushGate extends ChannelOutboundHandlerAdapter {
        volatile boolean open;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (open) {
                ctx.flush();
            }
        }
    }

    @Test
    void aSlowSocketHoldsBackTheNextGatewayPacketUntilItDrains() {
        LocalSockets sockets = new LocalSockets(ConnectionKind.TCP, stream);
        FlushGate gate = new FlushGate();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4, 8));
        ch.pipeline().addLast(gate, sockets.accept());
        ch.pipeline().fireChannelActive();

        sockets.onPacket(packet(ClientPacket.TCP_CONNECTION_WRITE, "1", "0123456789"));
        assertThat(ch.isWritable()).isFalse();
        assertThat(stream.requested).as("not while the socket is full").hasValue(0);

        gate.open = true;
        ch.flush();
        assertThat(ch.isWritable()).isTrue();
        assertThat(stream.requested).as("exactly once, when it drained").hasValue(1);
        ByteBuf out = ch.readOutbound();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("0123456789");
        out.release();
    }

    @Test
    void closesTravelBothWays() {
        LocalSockets sockets = new LocalSockets(ConnectionKind.POSTGRES, stream);
        Socket first = socket(sockets);
        Socket second = socket(sockets);
        assertThat(sockets.openSockets()).isEqualTo(2);

        first.channel().close();
        Packet close = stream.sent.poll();
        assertThat(close.getType()).isEqualTo(AgentPacket.CLOSE_TCP_CONNECTION);
        assertThat(Wire.spec(close, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("1");
        assertThat(close.getPayload().isEmpty()).isTrue();

        assertThat(sockets.onPacket(packet(ClientPacket.TCP_CONNECTION_CLOSE, "2", null))).isTrue();
        assertThat(second.channel().isOpen()).isFalse();
        assertThat(stream.sent).as("a close from the agent is not echoed back").isEmpty();
        assertThat(sockets.openSockets()).isZero();
    }

    @Test
    void bytesForAClosedSocketAreDroppedAndOtherTypesLeftToTheCaller() {
        LocalSockets sockets = new LocalSockets(ConnectionKind.POSTGRES, stream);
        assertThat(sockets.onPacket(packet(ClientPacket.PG_CONNECTION_WRITE, "9", "late"))).isTrue();
        assertThat(stream.requested).hasValue(1);
        assertThat(sockets.onPacket(packet(ClientPacket.SESSION_CLOSE, "1", null))).isFalse();
        assertThat(sockets.onPacket(packet(ClientPacket.TCP_CONNECTION_WRITE, "1", "wrong kind"))).isFalse();
    }
}
