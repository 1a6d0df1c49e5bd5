package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link BackendHandler} on a pooled connection that is lent to no exchange: anything the backend
 * says out of turn, an idle timeout or an error closes it, and nothing is passed on.
 */
class BackendHandlerTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(new BackendHandler());

    @Test
    void aResponseNobodyAskedForIsReleasedAndClosesTheConnection() {
        DefaultHttpContent stray = new DefaultHttpContent(Unpooled.copiedBuffer("late", StandardCharsets.US_ASCII));
        ch.writeInbound(stray);
        assertThat(stray.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.outboundMessages()).isEmpty();
    }

    @Test
    void anIdlePooledConnectionIsClosed() {
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.outboundMessages()).isEmpty();
    }

    @Test
    void anErrorClosesTheConnectionWithoutPassingItOn() {
        ch.pipeline().fireExceptionCaught(new IOException("connection reset by peer"));
        assertThat(ch.isOpen()).isFalse();
        ch.checkException(); // nothing reached the end of the pipeline
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.outboundMessages()).isEmpty();
    }

    @Test
    void otherEventsOfAnIdleConnectionLeaveItOpen() {
        ch.pipeline().fireUserEventTriggered("something else");
        ch.pipeline().fireChannelReadComplete();
        ch.pipeline().fireChannelWritabilityChanged();
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.outboundMessages()).isEmpty();
    }
}
