package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RawRelay} between two {@link EmbeddedChannel}s: bytes one way, the next read only after a write. */
class RawRelayTest {
    /** Counts the read() calls that reach the channel (the relay's backpressure). */
    static final class Reads extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    private final EmbeddedChannel peer = new EmbeddedChannel();
    private final Reads reads = new Reads();
    private final EmbeddedChannel side = new EmbeddedChannel(reads, new RawRelay(peer));

    @AfterEach
    void finish() {
        side.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    @Test
    void bytesGoToThePeerAndTheNextReadFollowsTheWrite() {
        side.config().setAutoRead(false);
        int before = reads.count;
        ByteBuf in = Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII);
        side.writeInbound(in);
        ByteBuf out = peer.readOutbound();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        out.release();
        assertThat(reads.count).isEqualTo(before + 1);
        assertThat(peer.outboundMessages()).isEmpty();
        assertThat(side.inboundMessages()).isEmpty();
        assertThat(side.outboundMessages()).isEmpty();
    }

    @Test
    void aLeftoverEndOfMessageMarkerIsDroppedAndReleased() {
        DefaultLastHttpContent marker = new DefaultLastHttpContent(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        side.writeInbound(marker);
        assertThat(marker.refCnt()).isZero();
        assertThat(peer.outboundMessages()).isEmpty();
        assertThat(side.inboundMessages()).isEmpty();
    }

    @Test
    void closingOneSideFlushesThenClosesThePeer() {
        side.close();
        ByteBuf last = peer.readOutbound();
        assertThat(last.readableBytes()).isZero();
        assertThat(peer.isOpen()).isFalse();
        assertThat(peer.outboundMessages()).isEmpty();
    }

    @Test
    void aFailedWriteToThePeerClosesThisSide() {
        peer.close();
        ByteBuf in = Unpooled.copiedBuffer("lost", StandardCharsets.US_ASCII);
        side.writeInbound(in);
        assertThat(side.isOpen()).isFalse();
        assertThat(in.refCnt()).isZero();
        assertThat(peer.outboundMessages()).isEmpty();
    }

    @Test
    void idleTimeoutEndsTheTunnel() {
        side.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(side.isOpen()).isFalse();
        ByteBuf last = peer.readOutbound();
        assertThat(last.readableBytes()).isZero();
        assertThat(peer.isOpen()).isFalse();
        assertThat(peer.outboundMessages()).isEmpty();
    }
}
