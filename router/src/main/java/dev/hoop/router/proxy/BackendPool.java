package dev.hoop.router.proxy;

import dev.hoop.common.netty.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Backend connections of one event loop (so it needs no locks: every method runs on that loop).
 * At most {@code maxSockets} connections per backend; further requests wait for one to be
 * released. With {@code httpKeepAlive} released connections are kept for the next request.
 */
final class BackendPool {
    static final AttributeKey<BackendAddress> ADDRESS = AttributeKey.valueOf("hoop.backend");
    static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("hoop.reused");

    private final class Entry {
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        final ArrayDeque<Promise<Channel>> waiters = new ArrayDeque<>();
        int open;
    }

    private final EventLoop loop;
    private final int maxSockets;
    private final int timeoutSeconds;
    private final SslContext backendTls;
    private final Map<BackendAddress, Entry> entries = new HashMap<>();

    BackendPool(EventLoop loop, int maxSockets, int timeoutSeconds, SslContext backendTls) {
        this.loop = loop;
        this.maxSockets = maxSockets;
        this.timeoutSeconds = timeoutSeconds;
        this.backendTls = backendTls;
    }

    /** A connection to {@code address}: an idle one, a new one, or the next one released. */
    Future<Channel> acquire(BackendAddress address, boolean fresh) {
        Promise<Channel> promise = loop.newPromise();
        Entry entry = entries.computeIfAbsent(address, a -> new Entry());
        if (!fresh) {
            Channel ch;
            while ((ch = entry.idle.pollFirst()) != null) {
                if (ch.isActive()) {
                    ch.attr(REUSED).set(true);
                    return promise.setSuccess(ch);
                }
            }
        }
        if (entry.open < maxSockets) {
            connect(address, entry, promise);
        } else {
            entry.waiters.addLast(promise);
            ScheduledFuture<?> timer = loop.schedule(() -> {
                if (entry.waiters.remove(promise)) {
                    promise.tryFailure(new PoolTimeoutException("no free connection to " + address.host() + ":"
                            + address.port() + " within " + timeoutSeconds + " s (server.maxSockets=" + maxSockets + ")"));
                }
            }, timeoutSeconds, TimeUnit.SECONDS);
            promise.addListener(f -> timer.cancel(false));
        }
        return promise;
    }

    private void connect(BackendAddress address, Entry entry, Promise<Channel> promise) {
        entry.open++;
        Bootstrap b = new Bootstrap().group(loop).channel(EventLoops.socketChannel())
                // Read as data comes (an idle pooled connection that the backend closes is noticed at once); the
                // exchange pauses reading only while the client cannot take more.
                .option(ChannelOption.AUTO_READ, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutSeconds * 1000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (address.tls()) {
                            ch.pipeline().addLast(backendTls.newHandler(ch.alloc(), address.host(), address.port()));
                        }
                        // Lenient parsing: old backends end header lines with a bare LF; backends are trusted, so their
                        // header names and values are not re-validated on every response.
                        ch.pipeline().addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                                .setStrictLineParsing(false).setValidateHeaders(false).setMaxHeaderSize(16 * 1024), false, false));
                        ch.pipeline().addLast("idle", new IdleStateHandler(timeoutSeconds, 0, 0));
                        ch.pipeline().addLast("backend", new BackendHandler());
                    }
                });
        ChannelFuture f = b.connect(address.host(), address.port());
        f.channel().attr(ADDRESS).set(address);
        f.channel().attr(REUSED).set(false);
        f.channel().closeFuture().addListener(c -> onClosed(address, entry, f.channel()));
        f.addListener(done -> {
            if (done.isSuccess()) {
                promise.trySuccess(f.channel());
            } else {
                promise.tryFailure(done.cause() == null ? new ConnectException("connect failed") : done.cause());
            }
        });
    }

    private void onClosed(BackendAddress address, Entry entry, Channel ch) {
        entry.open--;
        entry.idle.remove(ch);
        Promise<Channel> next = entry.waiters.pollFirst();
        if (next != null) {
            connect(address, entry, next);
        }
    }

    /** Returns a connection whose exchange is complete; it is kept for reuse when asked. */
    void release(Channel ch, boolean keep) {
        BackendAddress address = ch.attr(ADDRESS).get();
        Entry entry = entries.get(address);
        if (!keep || !ch.isActive() || entry == null) {
            ch.close();
            return;
        }
        if (!ch.config().isAutoRead()) {
            ch.config().setAutoRead(true); // paused by its last exchange (slow client) after the response was decoded
        }
        Promise<Channel> waiter;
        while ((waiter = entry.waiters.pollFirst()) != null) {
            ch.attr(REUSED).set(true);
            if (waiter.trySuccess(ch)) {
                return;
            }
        }
        entry.idle.addFirst(ch); // most recently used first: the warmest connection is reused
    }

    /** No free connection in time: answered like a backend timeout. */
    static final class PoolTimeoutException extends Exception {
        PoolTimeoutException(String message) {
            super(message, null, false, false);
        }
    }
}
