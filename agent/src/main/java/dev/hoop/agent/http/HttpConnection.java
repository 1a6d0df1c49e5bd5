package dev.hoop.agent.http;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.Causes;
import dev.hoop.common.http.HttpFraming;
import dev.hoop.common.http.StrictRequestDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of an http session: the client's bytes are decoded as HTTP/1.1 requests
 * (framed as the gateway's audit frames them, {@link HttpFraming}), checked and rewritten
 * ({@link RequestRules}) and sent to the target over one connection of the agent's own; the
 * target's responses are relayed back, streamed, with the connection's headers stripped. A
 * WebSocket upgrade the target accepts (101) turns both directions into raw byte relays.
 *
 * <p>Backpressure both ways: client bytes complete their stage once written to the target (the
 * agent asks the gateway for the next packet only then); the target is read (auto-read off) only
 * when every response chunk read so far was taken by the client sink. Everything runs on one event
 * loop, the target channel's: the decoder and encoder are {@link EmbeddedChannel}s confined to it.
 *
 * <p>A refused request is answered in HTTP (400, 405, 414, 431, 501; 502 when the target cannot
 * be reached) after the responses still due, and the connection is closed: nothing after it is
 * read as a request.
 *
 * <p>This class is the request side and decides what the connection does next (forward, hold,
 * switch to raw bytes, refuse, end); the bytes on their way to the client are {@link ResponseRelay}'s.
 */
final class HttpConnection implements ConnectionHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);

    private enum Mode {
        /** Requests are decoded and forwarded. */
        HTTP,
        /** A WebSocket upgrade request went out; bytes after it are held until the target answers. */
        UPGRADING,
        /** The target switched protocols: raw bytes both ways. */
        UPGRADED,
        /** A request was refused or the upgrade was not accepted: the connection ends once the due answers went out. */
        CLOSING
    }

    private final HttpTarget target;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SslContext tls;

    // Confined to the loop.
    private final EmbeddedChannel requests = new EmbeddedChannel(new StrictRequestDecoder());
    private final ResponseRelay responses;
    private Mode mode = Mode.HTTP;
    private ChannelFuture connect;
    /** The target pipeline's HTTP codec: raw writes after an upgrade go below it. */
    private ChannelHandlerContext codec;
    /** Requests forwarded whose final response has not ended. */
    private int inFlight;
    private boolean upgradeAccepted;
    private RequestRules.Refusal refusal;
    /** Client bytes that followed an upgrade request, and the stage to complete when they are written. */
    private ByteBuf held;
    private CompletableFuture<Void> heldWritten;
    private boolean ended;
    private boolean released;

    HttpConnection(Bootstrap bootstrap, HttpTarget target, ClientSink toClient, SslContext tls) {
        this.target = target;
        this.tls = tls;
        this.loop = bootstrap.config().group().next();
        this.bootstrap = bootstrap.clone(loop);
        this.responses = new ResponseRelay(this, target, toClient, loop);
    }

    @Override
    public CompletionStage<Void> write(byte[] fromClient) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                fromClient(fromClient, done);
            } catch (RuntimeException e) {
                log.warn("http {}: failed on the client's bytes; closing", target, e);
                done.complete(null);
                endAfterDelivery(null);
            }
        });
        return done;
    }

    @Override
    public void close() {
        // Closed by the client or the session: nothing to tell the client.
        loop.execute(() -> {
            ended = true;
            release();
        });
    }

    private void fromClient(byte[] bytes, CompletableFuture<Void> written) {
        CompletableFuture<Void> done = written;
        if (ended || mode == Mode.CLOSING) {
            done.complete(null); // nothing after a refusal is read
            return;
        }
        if (mode == Mode.UPGRADED) {
            codec.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> written.complete(null));
            return;
        }
        requests.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<Object> forward = new ArrayList<>(2);
        boolean holding = false;
        for (Object msg; (msg = requests.readInbound()) != null; ) {
            if (mode == Mode.CLOSING) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof HttpRequest request) {
                RequestRules.Refusal refused = request.decoderResult().isFailure()
                        ? RequestRules.undecodable(request.decoderResult().cause()) : RequestRules.check(request);
                if (refused != null) {
                    ReferenceCountUtil.release(msg);
                    refuse(refused);
                    continue;
                }
                RequestRules.rewrite(request, target);
                responses.forwarded(request.method());
                inFlight++;
                if (HttpFraming.isWebSocketUpgrade(request)) {
                    mode = Mode.UPGRADING;
                }
                forward.add(request);
            } else if (msg instanceof HttpContent content) {
                forward.add(content);
            } else if (msg instanceof ByteBuf raw) {
                // after an upgrade request: WebSocket frames sent before the 101 came back
                if (held == null) {
                    held = Unpooled.buffer(raw.readableBytes());
                }
                held.writeBytes(raw);
                raw.release();
                holding = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        if (holding) {
            // completed when the held bytes reach the target (or are dropped): no next packet before
            CompletableFuture<Void> earlier = heldWritten;
            heldWritten = done;
            if (earlier != null) {
                done.whenComplete((ok, error) -> earlier.complete(null));
            }
            done = new CompletableFuture<>();
        }
        send(forward, done);
    }

    private void send(List<Object> forward, CompletableFuture<Void> done) {
        if (forward.isEmpty()) {
            done.complete(null);
            return;
        }
        ChannelFuture connected = connect();
        connected.addListener(f -> {
            if (!f.isSuccess() || ended) {
                forward.forEach(ReferenceCountUtil::release);
                done.complete(null);
                return;
            }
            ChannelFuture last = null;
            for (Object o : forward) {
                last = connected.channel().write(o);
            }
            connected.channel().flush();
            last.addListener(w -> done.complete(null)); // a failed write closes the channel, which ends this connection
        });
    }

    private ChannelFuture connect() {
        if (connect == null) {
            connect = bootstrap.handler(new TargetInitializer(target, this, tls)).connect(target.host(), target.port());
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    connect.channel().read();
                } else if (!ended) {
                    answer(new RequestRules.Refusal(HttpResponseStatus.BAD_GATEWAY,
                            "cannot connect to " + target.host() + ":" + target.port() + ": " + Causes.message(f.cause())));
                }
            });
        }
        return connect;
    }

    /** Called by {@link TargetInitializer} once the target pipeline is built. */
    void codec(ChannelHandlerContext codec) {
        this.codec = codec;
    }

    private void refuse(RequestRules.Refusal r) {
        log.debug("http {}: refused a request: {} {}", target, r.status().code(), r.reason());
        mode = Mode.CLOSING;
        dropHeld();
        if (inFlight == 0) {
            answer(r);
        } else {
            refusal = r; // answered after the responses still due
        }
    }

    /** Answers the client with {@code r} and ends the connection. */
    private void answer(RequestRules.Refusal r) {
        if (ended) {
            return;
        }
        mode = Mode.CLOSING;
        responses.refusalPage(r);
        endAfterDelivery(null);
    }

    // ---- the target's side, on the same loop ----

    void fromTarget(ChannelHandlerContext ctx, Object msg) {
        if (ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response && response.status().code() == 101 && mode == Mode.UPGRADING) {
            upgradeAccepted = true;
        }
        if (responses.relay(ctx, msg)) {
            finalResponseEnded();
        }
    }

    private void finalResponseEnded() {
        if (inFlight == 0) {
            // an answer to nothing asked: the target broke HTTP; it reached the client, nothing more will
            log.debug("http {}: the target answered a request it was not sent; closing", target);
            endAfterDelivery(null);
            return;
        }
        inFlight--;
        if (upgradeAccepted && mode == Mode.UPGRADING) {
            mode = Mode.UPGRADED;
            if (held != null) {
                ByteBuf bytes = held;
                CompletableFuture<Void> written = heldWritten;
                held = null;
                heldWritten = null;
                codec.writeAndFlush(bytes).addListener(f -> written.complete(null));
            }
        } else if (mode == Mode.UPGRADING && inFlight == 0) {
            // the target did not switch: what followed the upgrade request is not HTTP
            mode = Mode.CLOSING;
            dropHeld();
            endAfterDelivery(null);
        } else if (mode == Mode.CLOSING && inFlight == 0 && refusal != null) {
            RequestRules.Refusal r = refusal;
            refusal = null;
            answer(r);
        }
    }

    void targetReadComplete(ChannelHandlerContext ctx) {
        if (!responses.ship() && responses.allTaken() && !ended) {
            ctx.read();
        }
    }

    void targetClosed() {
        responses.ship();
        if (ended) {
            return;
        }
        if (inFlight > 0 && !responses.responseStarted() && mode != Mode.UPGRADED) {
            answer(new RequestRules.Refusal(HttpResponseStatus.BAD_GATEWAY,
                    target.host() + ":" + target.port() + " closed the connection before answering"));
        } else {
            endAfterDelivery(null);
        }
    }

    void targetFailed(Throwable cause) {
        responses.ship();
        if (ended) {
            return;
        }
        String reason = "the connection to " + target.host() + ":" + target.port() + " failed: " + Causes.message(cause);
        log.debug("http {}: {}", target, reason);
        if (inFlight > 0 && !responses.responseStarted() && mode != Mode.UPGRADED) {
            answer(new RequestRules.Refusal(HttpResponseStatus.BAD_GATEWAY, reason));
        } else {
            endAfterDelivery(null);
        }
    }

    boolean ended() {
        return ended;
    }

    /** A chunk reached the client (or could not): read the target again once the client took them all. */
    void delivered(Throwable error) {
        if (error != null) {
            log.debug("http {}: client gone ({}); closing", target, error.getMessage());
            ended = true;
            release();
        } else if (responses.allTaken() && !ended && connect != null && connect.isSuccess()) {
            connect.channel().read();
        }
    }

    /** Ends the connection once what was handed to the client went out. */
    private void endAfterDelivery(String reason) {
        if (ended) {
            return;
        }
        responses.ship();
        ended = true;
        responses.closeClientWhenDelivered(reason, this::release);
    }

    private void dropHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (heldWritten != null) {
            heldWritten.complete(null);
            heldWritten = null;
        }
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        dropHeld();
        responses.release();
        if (connect != null) {
            connect.channel().close();
        }
        requests.finishAndReleaseAll();
    }
}
