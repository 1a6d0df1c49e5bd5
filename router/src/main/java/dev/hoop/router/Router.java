package dev.hoop.router;

import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.driver.RouteStore;
import dev.hoop.router.driver.RouteStores;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.MetricsServer;
import dev.hoop.router.metrics.RouterMetrics;
import dev.hoop.router.proxy.RouterServer;
import dev.hoop.router.proxy.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running router assembled from a validated config: route store, lookup, access log, the
 * listeners, and the metrics admin listener. {@link #close()} stops all of it.
 */
public final class Router implements AutoCloseable {
    private final RouteStore store;
    private final AccessLog accessLog;
    private final RouterMetrics metrics = new RouterMetrics();
    private final RouterServer server;
    private final MetricsServer metricsServer;

    private Router(RouterConfig config) throws InterruptedException {
        this.store = RouteStores.open(config.driver());
        try {
            this.accessLog = AccessLog.open(config.server().accessLog());
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("server.accessLog: cannot write '" + config.server().accessLog() + "'", e);
        }
        RouteLookup lookup = new RouteLookup(store, config.server().lruCache());
        this.server = new RouterServer(config, lookup, accessLog, metrics);
        RouterConfig.Listener admin = config.server().metrics();
        this.metricsServer = admin == null ? null
                : new MetricsServer(metrics, admin.address(), admin.port(), server.workers(), Transport.serverChannel());
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
        server.close();
        accessLog.close();
        store.close();
    }
}
