package dev.hoop.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response encoder (an EmbeddedChannel): chunked bodies, no body after HEAD, interim answers not counted. */
class ResponseBytesTest {
    private static DefaultHttpResponse chunked(HttpResponseStatus status) {
        DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        return r;
    }

    @Test
    void aChunkedBodyIsEncodedExceptAfterHeadAndA100DoesNotTakeTheRequestsPlace() {
        ResponseBytes bytes = new ResponseBytes();
        bytes.forwarded(HttpMethod.GET);
        bytes.forwarded(HttpMethod.HEAD);
        ByteBuf out = Unpooled.buffer();
        bytes.encode(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE), out);
        bytes.encode(LastHttpContent.EMPTY_LAST_CONTENT, out);
        bytes.encode(chunked(HttpResponseStatus.OK), out);
        bytes.encode(new DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)), out);
        bytes.encode(LastHttpContent.EMPTY_LAST_CONTENT, out);
        bytes.encode(chunked(HttpResponseStatus.OK), out);
        bytes.encode(LastHttpContent.EMPTY_LAST_CONTENT, out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"); // HEAD: no "0" chunk
        out.release();
        bytes.close();
    }
}
