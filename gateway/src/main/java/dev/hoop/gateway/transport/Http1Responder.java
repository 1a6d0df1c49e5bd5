package dev.hoop.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * First handler on a plaintext connection to the gRPC port: lets HTTP/2 (the {@code PRI *} preface)
 * and anything that is not HTTP/1.x through to gRPC untouched and removes itself; answers an
 * HTTP/1.x request itself and closes. {@code GET /} and {@code GET /healthz} are the health check a
 * load balancer's target group sends to this port (docs/deploy.md#health-checks): 200 while the
 * gateway serves, 503 otherwise. Any other HTTP/1.x request is most likely a proxy that forwards gRPC
 * with HTTP/1.1 (nginx {@code proxy_pass} instead of {@code grpc_pass}): 426 with a text that says so,
 * which the proxy passes on to the agent or client.
 */
final class Http1Responder extends ByteToMessageDecoder {
    /** A request line longer than this is not a health check: the connection is closed. */
    static final int MAX_REQUEST_LINE = 8192;
    static final String PROXY_ADVICE = "hoop gateway: this is the gRPC port, which speaks HTTP/2 (gRPC) only, and it received an "
            + "HTTP/1.x request. A proxy in front of it must forward gRPC over HTTP/2 (nginx: grpc_pass grpc://..., not proxy_pass). "
            + "Health checks: GET / or GET /healthz.\n";
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]{1,16}) (\\S{1,8000}) HTTP/1\\.[01]");
    private static final byte[] H2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandler grpc;
    private final BooleanSupplier serving;

    /** @param grpc the handler gRPC's negotiation made for this connection; it takes this one's place unless HTTP/1.x arrives */
    Http1Responder(ChannelHandler grpc, BooleanSupplier serving) {
        this.grpc = grpc;
        this.serving = serving;
    }

    /**
     * gRPC's handler is added only once the connection turned out not to be HTTP/1.x: added at once,
     * it would greet every connection with an HTTP/2 SETTINGS frame (ahead of a health check's
     * answer) and close gracefully with GOAWAY and a 10 s ping wait. Until then the events meant
     * for it (gRPC's negotiation event, channelActive) are held and replayed in their order.
     */
    private final List<Object> heldEvents = new java.util.ArrayList<>();
    private boolean heldActive;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        heldEvents.add(evt);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        heldActive = true;
    }

    private void handOverToGrpc(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), null, grpc);
        for (Object evt : heldEvents) {
            ctx.fireUserEventTriggered(evt);
        }
        heldEvents.clear();
        if (heldActive) {
            ctx.fireChannelActive();
        }
        ctx.pipeline().remove(this); // the bytes read so far follow
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int first = in.getUnsignedByte(in.readerIndex());
        if (first < 'A' || first > 'Z' || startsWithPreface(in)) {
            // HTTP/2 or TLS or garbage: gRPC's own handlers answer it
            handOverToGrpc(ctx);
            return;
        }
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() > MAX_REQUEST_LINE) {
                in.skipBytes(in.readableBytes());
                ctx.close();
            }
            return; // wait for the whole request line
        }
        String line = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.ISO_8859_1).strip();
        in.skipBytes(in.readableBytes());
        Matcher m = REQUEST_LINE.matcher(line);
        if (!m.matches()) {
            ctx.close(); // not HTTP/1.x either: nothing sensible to say
            return;
        }
        respond(ctx, m.group(1), m.group(2));
    }

    private boolean startsWithPreface(ByteBuf in) {
        int n = Math.min(in.readableBytes(), H2_PREFACE_START.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != H2_PREFACE_START[i]) {
                return false;
            }
        }
        return true; // a prefix of "PRI " counts: an HTTP/1 method never starts with "PRI"
    }

    private void respond(ChannelHandlerContext ctx, String method, String target) {
        boolean head = method.equals("HEAD");
        String path = target.indexOf('?') < 0 ? target : target.substring(0, target.indexOf('?'));
        String status;
        String type;
        String body;
        if ((method.equals("GET") || head) && (path.equals("/") || path.equals("/healthz"))) {
            boolean ok = serving.getAsBoolean();
            status = ok ? "200 OK" : "503 Service Unavailable";
            type = "application/json";
            body = ok ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\",\"message\":\"the gateway does not serve (database unreachable or shutting down)\"}";
        } else {
            status = "426 Upgrade Required";
            type = "text/plain; charset=utf-8";
            body = PROXY_ADVICE;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // no "upgrade" header with the 426: a proxy passing it on over HTTP/2 would break the client's
        // stream with a protocol error (a connection-specific header) instead of showing this text
        String headers = "HTTP/1.1 " + status + "\r\ncontent-type: " + type + "\r\ncontent-length: " + bytes.length
                + "\r\nconnection: close\r\n\r\n";
        ByteBuf response = Unpooled.wrappedBuffer(headers.getBytes(StandardCharsets.US_ASCII), head ? new byte[0] : bytes);
        // through this context towards the socket: gRPC's handlers (not in the pipeline) see nothing
        ctx.writeAndFlush(response).addListener(f -> ctx.close());
    }
}
