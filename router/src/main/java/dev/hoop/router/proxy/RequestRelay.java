package dev.hoop.router.proxy;

import dev.hoop.router.config.RouterConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Client → backend: the request head (headers rewritten for the backend) and its body. The body
 * is never sent before the connection exists, so every request can be retried on another backend:
 * parts read before it wait here, and the client is read only while the backend can take more
 * ({@code Exchange#canTakeMore}), which bounds what waits. It remembers whether the request can
 * still be replayed on a fresh connection.
 *
 * <p>It is the listener of its own writes (one per exchange, not per write): a failed write means
 * the backend connection is gone.
 */
final class RequestRelay implements ChannelFutureListener {
    /** What the relay reports to: the exchange, seen through what this stage needs of it. */
    interface Owner {
        /** The answer is out or the exchange ended: body parts are dropped. */
        boolean over();

        /** The backend connection in use, else null. */
        Channel backend();

        /** The request's end was read after the answer: the exchange may end now. */
        void maybeFinish();

        /** A request write failed: the backend connection is gone. */
        void onBackendClosed(Throwable cause);

        /** A body part the codec could not frame. */
        void rejectBody(Throwable cause);
    }

    private final Owner exchange;
    /** The client's request head, forwarded with its headers rewritten. */
    private final HttpRequest head;
    private final ClientConnection client;
    private final String scheme;
    private final boolean upgrade;
    private final RouterConfig.Server settings;
    /** Body parts read before the backend connection exists; created when the first one comes (most requests have none). */
    private ArrayDeque<HttpContent> pending;
    private boolean complete;
    /** Body bytes went out: the request cannot be replayed any more. */
    private boolean bodyWritten;
    /** Sent again on a fresh connection: the first attempt's (empty) end of body was consumed. */
    private boolean replay;

    RequestRelay(Owner exchange, RequestFacts facts, RouterConfig.Server settings) {
        this.exchange = exchange;
        this.head = facts.head();
        this.client = facts.client();
        this.scheme = facts.scheme();
        this.upgrade = facts.upgrade();
        this.settings = settings;
    }

    /** Whether the client's last body part was read. */
    boolean complete() {
        return complete;
    }

    /** A reused connection failed before answering: the request may go again when none of its body went out. */
    boolean replayable() {
        return !bodyWritten && complete;
    }

    /** The next {@link #sendTo} is a replay. */
    void replaying() {
        replay = true;
    }

    /** Writes the head and what is pending to a new backend connection. */
    void sendTo(Channel ch) {
        // The client's request object is forwarded with its headers rewritten in place (no copy):
        // the rewrite is idempotent, so a retry on another backend rewrites it again harmlessly.
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        ForwardedHeaders.forwardRequest(head.headers(), client.ip(), scheme, client.localPort(),
                settings.trustForwardedFor(), upgrade, settings.httpKeepAlive());
        // Only the last write gets a listener; a failure of an earlier one also fails the connection (void promise
        // → exceptionCaught → BackendHandler), which ends up in onBackendClosed as well.
        Object lastPart = replay ? LastHttpContent.EMPTY_LAST_CONTENT : null;
        int parts = pending == null ? 0 : pending.size();
        if (lastPart == null && parts == 0) {
            ch.writeAndFlush(head).addListener(this); // a body-less request whose end is not read yet
        } else {
            ch.write(head, ch.voidPromise());
            if (lastPart != null) {
                (parts == 0 ? ch.write(lastPart) : ch.write(lastPart, ch.voidPromise())).addListener(this);
            }
            HttpContent c;
            while (pending != null && (c = pending.poll()) != null) {
                bodyWritten |= c.content().isReadable();
                if (pending.isEmpty()) {
                    ch.write(c).addListener(this);
                } else {
                    ch.write(c, ch.voidPromise());
                }
            }
            ch.flush();
        }
    }

    /** A body part from the client: written to the backend, kept until it is connected, or dropped after the answer. */
    void onContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            Throwable cause = c.decoderResult().cause();
            ReferenceCountUtil.release(c);
            exchange.rejectBody(cause); // e.g. an invalid chunk size: never forwarded, not even as an empty end
            return;
        }
        if (c instanceof LastHttpContent) {
            complete = true;
        }
        if (exchange.over()) {
            ReferenceCountUtil.release(c); // the answer is out; the rest of the body is read and dropped
            if (complete) {
                exchange.maybeFinish();
            }
            return;
        }
        Channel backend = exchange.backend();
        if (backend == null) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(c);
            return;
        }
        bodyWritten |= c.content().isReadable();
        backend.writeAndFlush(c).addListener(this);
    }

    /** A request write to the backend completed. */
    @Override
    public void operationComplete(ChannelFuture f) {
        if (!f.isSuccess()) {
            exchange.onBackendClosed(f.cause());
        }
    }

    void releasePending() {
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
        }
    }
}
