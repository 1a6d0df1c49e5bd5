package dev.hoop.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decoder in an EmbeddedChannel: obs-fold refused, raw bytes after a WebSocket upgrade request. */
class StrictRequestDecoderTest {
    private static EmbeddedChannel channel(String input) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder());
        ch.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1));
        return ch;
    }

    @Test
    void anObsFoldedHeaderFailsTheRequest() {
        EmbeddedChannel ch = channel("GET / HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\tc\r\n\r\n");
        HttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(request.decoderResult().cause()).hasMessage(StrictRequestDecoder.OBS_FOLD);
        ch.finishAndReleaseAll();
    }

    @Test
    void blankLinesBeforeARequestAreNotObsFold() {
        EmbeddedChannel ch = channel("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        HttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat((Object) ch.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void afterAWebSocketUpgradeRequestTheBytesComeRaw() {
        EmbeddedChannel ch = channel("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n\u0081\u0082abcdGET / HTTP/1.1\r\n\r\n");
        HttpRequest request = ch.readInbound();
        assertThat(request.uri()).isEqualTo("/ws");
        assertThat((Object) ch.readInbound()).isInstanceOf(LastHttpContent.class);
        ByteBuf raw = ch.readInbound();
        assertThat(raw.toString(StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0082abcdGET / HTTP/1.1\r\n\r\n");
        raw.release();
        ch.writeInbound(Unpooled.copiedBuffer("more", StandardCharsets.ISO_8859_1));
        ByteBuf more = ch.readInbound();
        assertThat(more.toString(StandardCharsets.ISO_8859_1)).isEqualTo("more");
        more.release();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void anH2cUpgradeStaysHttp() {
        EmbeddedChannel ch = channel("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\n\r\nGET /two HTTP/1.1\r\n\r\n");
        assertThat(((HttpRequest) ch.readInbound()).uri()).isEqualTo("/");
        assertThat((Object) ch.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat(((HttpRequest) ch.readInbound()).uri()).isEqualTo("/two");
        Object last = ch.readInbound();
        assertThat(last).isInstanceOf(HttpContent.class);
        ch.finishAndReleaseAll();
    }
}
