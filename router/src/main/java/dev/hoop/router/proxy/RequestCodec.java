package dev.hoop.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client-side HTTP/1.1 codec: Netty's request decoder and response encoder, as in
 * {@code HttpServerCodec}, plus the one RFC 9112 check Netty's decoder lacks. Netty rejects a
 * Content-Length beside a Transfer-Encoding, a final coding other than chunked, conflicting or
 * malformed Content-Lengths, invalid header names and bare CR/LF, but it silently joins obs-fold
 * continuation lines (RFC 9112 5.2) into the previous value, which lets a front end and a backend
 * disagree on what the headers are. Such a request is marked failed here (the front end answers
 * 400 and closes, as nginx does), before anything of it is forwarded.
 *
 * <p>Why a codec of our own: {@code HttpServerCodec} is final and its decoder private; the
 * encoder's one duty that depends on the request (no body after a HEAD) is kept here.
 */
final class RequestCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    static final String OBS_FOLD = "a header line starts with white space (obs-fold, RFC 9112 5.2: send each header on one line)";

    /** Methods of the requests whose responses are not written yet, oldest first (HEAD responses have no body). */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);

    RequestCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    private final class Decoder extends HttpRequestDecoder {
        /** Between two requests or inside a request head (the decoder consumes heads line by line). */
        private boolean inHead = true;
        /** A byte other than CR, LF, SP or HTAB of this head was seen (Netty skips blank lines before a request). */
        private boolean started;
        private boolean lineStart;
        private boolean folded;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int from = in.readerIndex();
            int size = out.size();
            super.decode(ctx, in, out);
            if (inHead) {
                // A call that emits a head returns right after it, so the bytes consumed here are head bytes only.
                scan(in, from, in.readerIndex());
            }
            for (int i = size; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpRequest request) {
                    inHead = false;
                    if (folded && request.decoderResult().isSuccess()) {
                        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(OBS_FOLD)));
                    }
                    methods.add(request.method());
                }
                if (msg instanceof LastHttpContent) {
                    inHead = true;
                    started = false;
                    lineStart = false;
                    folded = false;
                }
            }
        }

        private void scan(ByteBuf in, int from, int to) {
            for (int i = from; i < to; i++) {
                byte b = in.getByte(i);
                if (b == '\n') {
                    lineStart = started;
                    continue;
                }
                if (b == ' ' || b == '\t') {
                    folded |= lineStart;
                } else if (b != '\r') {
                    started = true;
                }
                lineStart = false;
            }
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                return super.isContentAlwaysEmpty(msg); // an interim answer: the final one is still to come
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
