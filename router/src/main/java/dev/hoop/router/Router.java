package dev.hoop.router;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.RouteStore;
import dev.hoop.router.driver.RouteStores;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.MetricsServer;
import dev.hoop.router.metrics.RouterMetrics;
import dev.hoop.router.proxy.RouterServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running router assembled from a validated config: route store, lookup, access log, the
 * listeners, and the metrics admin listener. {@link #close()} stops all of it.
 */
public final class Router implements AutoCloseable {
    private final EventLoopGroup workers;
    private final RouteStore store;
    private final AccessLog accessLog;
    private final RouterMetrics metrics = new RouterMetrics();
    private final RouterServer server;
    private final MetricsServer metricsServer;

    private Router(RouterConfig config) throws InterruptedException {
        // The event loops exist first: the Redis connections run on them (see RedisRouteStore).
        this.workers = EventLoops.newGroup(config.server().workers(), "router-worker");
        try {
            this.store = RouteStores.open(config.driver(), workers);
        } catch (RuntimeException e) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        try {
            this.accessLog = AccessLog.open(config.server().accessLog());
        } catch (IOException e) {
            store.close();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException("server.accessLog: cannot write '" + config.server().accessLog() + "'", e);
        }
        RouteLookup lookup = new RouteLookup(store, config.server().lruCache());
        try {
            this.server = new RouterServer(config, workers, lookup, accessLog, metrics);
        } catch (RuntimeException | InterruptedException e) {
            accessLog.close();
            store.close();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        RouterConfig.Listener admin = config.server().metrics();
        this.metricsServer = admin == null ? null
                : new MetricsServer(metrics, admin.address(), admin.port(), server.workers(), EventLoops.serverSocketChannel());
    }

    public static Router start(RouterConfig config) throws InterruptedException {
        return new Router(config);
    }

    public List<InetSocketAddress> httpAddresses() {
        return server.httpAddresses();
    }

    public List<InetSocketAddress> httpsAddresses() {
        return server.httpsAddresses();
    }

    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }

    public RouterMetrics metrics() {
        return metrics;
    }

    public String storeDescription() {
        return store.describe();
    }

    /** Reopens the access log (SIGUSR1). */
    public void reopenLogs() {
        accessLog.reopen();
    }

    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        server.close(); // listeners and connections; the loops keep running for the store's connections
        accessLog.close();
        store.close();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
