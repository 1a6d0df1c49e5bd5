package dev.hoop.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder plus the one RFC 9112 check it lacks. Netty refuses a Content-Length
 * beside a Transfer-Encoding, conflicting Content-Lengths, invalid header names and bare CR/LF, but
 * it silently joins obs-fold continuation lines (RFC 9112 5.2) into the previous value, which lets
 * two parsers disagree on the headers. Such a request is marked failed here (the same check as the
 * router's {@code RequestCodec}).
 *
 * <p>After a WebSocket upgrade request ({@link HttpFraming#isWebSocketUpgrade}) has ended, the
 * bytes that follow are no longer HTTP: they are handed on as they are, as {@link ByteBuf}s, for
 * the reader to hold until the server agreed to switch (or to drop when it did not).
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    public static final String OBS_FOLD = "a header line starts with white space (obs-fold, RFC 9112 5.2: send each header on one line)";

    /** Between two requests or inside a request head (the decoder consumes heads line by line). */
    private boolean inHead = true;
    /** A byte other than CR, LF, SP or HTAB of this head was seen (Netty skips blank lines before a request). */
    private boolean started;
    private boolean lineStart;
    private boolean folded;
    /** The request being read asks for a WebSocket upgrade. */
    private boolean upgrading;
    /** An upgrade request ended: everything after it is raw bytes. */
    private boolean passThrough;

    public StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** With {@link HttpFraming#decoderConfig()}. */
    public StrictRequestDecoder() {
        this(HttpFraming.decoderConfig());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (passThrough) {
            if (in.isReadable()) {
                out.add(in.readRetainedSlice(in.readableBytes()));
            }
            return;
        }
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
                upgrading = request.decoderResult().isSuccess() && HttpFraming.isWebSocketUpgrade(request);
            }
            if (msg instanceof LastHttpContent) {
                passThrough = upgrading;
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
