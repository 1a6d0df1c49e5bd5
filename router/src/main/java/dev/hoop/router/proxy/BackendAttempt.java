package dev.hoop.router.proxy;

import dev.hoop.router.driver.Route;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.function.BiConsumer;

/**
 * The backend side of one exchange up to a usable connection: the route lookup, the choice among
 * live backends ({@link BackendChoice}), the connection from the event loop's pool, retries on
 * another backend ({@code server.retryOnError}) or on a fresh connection, and dead marks. It holds
 * the connection while the exchange uses it, then gives it back to the pool or closes it.
 *
 * <p>It is its own callback for the lookup and for the pool, instead of a lambda per request.
 * Both answers are handled on the client's event loop, where the pool lives.
 */
final class BackendAttempt implements BiConsumer<Route, Throwable>, GenericFutureListener<Future<Channel>> {
    /** What the attempt reports to: the exchange, seen through what this stage needs of it. */
    interface Owner {
        /** The answer is out or the exchange ended: late answers of the store or the pool are dropped. */
        boolean over();

        /** The router's own answer (no route, no live backend, store down …). */
        void answer(int code, String reason);

        /** A connection is bound: the request goes out. */
        void onBackendConnected(Channel ch);
    }

    private final Owner exchange;
    /** Gets the bound connection's events ({@link BackendHandler}). */
    private final BackendHandler.Listener listener;
    private final RequestFacts facts;
    /** The client's: its loop runs this attempt and owns the pool. */
    private final ChannelHandlerContext ctx;
    private final ProxyServices services;
    private Route route = Route.NONE;
    private int index = -1;
    private BackendChoice choice;
    private String lastError = "no live backend";
    private Channel backend;
    private long connectNanos;

    BackendAttempt(Owner exchange, BackendHandler.Listener listener, RequestFacts facts, ChannelHandlerContext ctx,
                   ProxyServices services) {
        this.exchange = exchange;
        this.listener = listener;
        this.facts = facts;
        this.ctx = ctx;
        this.services = services;
    }

    Route route() {
        return route;
    }

    /** The index of the backend in use (or last tried) in the route's list; -1 before the first. */
    int index() {
        return index;
    }

    /** When the current connection was asked for, to time the backend (X-Debug, access log). */
    long connectNanos() {
        return connectNanos;
    }

    /** The connection to the backend while the exchange uses it, else null. */
    Channel channel() {
        return backend;
    }

    /** Whether the request can be written on now without queueing. */
    boolean writable() {
        return backend != null && backend.isWritable();
    }

    /** Whether the connection in use came from the pool (kept alive from an earlier request). */
    boolean reused() {
        return Boolean.TRUE.equals(backend.attr(BackendPool.REUSED).get());
    }

    String lastError() {
        return lastError;
    }

    /** Records why the current backend failed ({@code "backend <url> " + what}) and returns it. */
    String failed(String what) {
        lastError = "backend " + route.backends().get(index) + " " + what;
        return lastError;
    }

    private void onLoop(Runnable r) {
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    void lookup() {
        services.lookup.find(facts.host(), ctx.executor()).whenComplete(this);
    }

    /** The route store's answer (possibly on another thread; usually on the loop, then without a task). */
    @Override
    public void accept(Route found, Throwable error) {
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            onRoute(found, error);
        } else {
            loop.execute(() -> onRoute(found, error));
        }
    }

    private void onRoute(Route found, Throwable error) {
        if (exchange.over()) {
            return;
        }
        if (error != null) {
            services.metrics.storeError();
            exchange.answer(502, "route store unavailable (" + Exchange.rootMessage(error) + "); try again shortly");
            return;
        }
        route = found;
        if (!route.found()) {
            exchange.answer(400, "unknown virtual host '" + facts.host() + "'");
            return;
        }
        if (route.backends().isEmpty()) {
            exchange.answer(502, "frontend '" + route.frontendKey() + "' has no backends");
            return;
        }
        choice = new BackendChoice(route, services.settings.retryOnError());
        pickAndConnect();
    }

    private void pickAndConnect() {
        int next = choice.next();
        if (next < 0) {
            exchange.answer(502, choice.anyTried() ? lastError : "no live backend for '" + facts.host() + "'");
            return;
        }
        index = next;
        connect(false);
    }

    /** The same backend again on a new connection: a kept-alive one was closed by the backend meanwhile. */
    void reconnect() {
        connect(true);
    }

    private void connect(boolean fresh) {
        String url = route.backends().get(index);
        BackendAddress address;
        try {
            address = services.address(url);
        } catch (IllegalArgumentException e) {
            lastError = e.getMessage();
            pickAndConnect();
            return;
        }
        connectNanos = System.nanoTime();
        // A WebSocket upgrade never takes a pooled connection: the connection becomes the tunnel.
        services.pool(ctx.channel().eventLoop()).acquire(address, fresh || facts.upgrade()).addListener(this);
    }

    /** The pool's answer. */
    @Override
    public void operationComplete(Future<Channel> f) {
        if (f.isSuccess()) {
            onConnected(f.getNow());
        } else {
            onConnectFailed(f.cause());
        }
    }

    private void onConnected(Channel ch) {
        if (exchange.over() || !ctx.channel().isActive()) {
            services.pool(ctx.channel().eventLoop()).release(ch, false);
            return;
        }
        backend = ch;
        ch.pipeline().get(BackendHandler.class).bind(listener);
        exchange.onBackendConnected(ch);
    }

    private void onConnectFailed(Throwable cause) {
        if (exchange.over()) {
            return;
        }
        if (cause instanceof BackendPool.PoolTimeoutException) {
            exchange.answer(504, cause.getMessage());
            return;
        }
        boolean timeout = cause instanceof ConnectTimeoutException;
        failed((timeout ? "did not accept the connection in time" : "refused the connection")
                + " (" + Exchange.rootMessage(cause) + ")");
        int code = timeout ? 504 : 502;
        markDead(() -> {
            if (choice.retry()) {
                pickAndConnect();
            } else {
                exchange.answer(code, lastError);
            }
        });
    }

    /**
     * Marks the current backend dead (when the frontend has more than one) and then continues. The
     * caller waits for the write so that the next request already avoids the backend.
     */
    void markDead(Runnable then) {
        int count = route.backends().size();
        if (count <= 1) {
            then.run();
            return;
        }
        services.metrics.deadMark(route.identifier());
        services.lookup.markDead(facts.host(), route.backends().get(index), index, count,
                        services.settings.deadBackendTTL())
                .whenComplete((ok, error) -> onLoop(() -> {
                    if (error != null) {
                        services.metrics.storeError();
                    }
                    then.run();
                }));
    }

    /** The response ended: the connection goes back to the pool, kept for the next request when {@code keep}. */
    void release(boolean keep) {
        Channel ch = backend;
        backend = null;
        ch.pipeline().get(BackendHandler.class).unbind();
        services.pool(ctx.channel().eventLoop()).release(ch, keep);
    }

    /** Closes the connection (if any): what it carries is of no use any more. */
    void discard() {
        if (backend != null) {
            Channel ch = backend;
            backend = null;
            ch.pipeline().get(BackendHandler.class).unbind();
            ch.close();
        }
    }

    /** After a 101: the connection leaves the exchange (and the pool) to become one end of the tunnel. */
    Channel detach() {
        Channel ch = backend;
        backend = null;
        ch.pipeline().remove(BackendHandler.class);
        return ch;
    }
}
