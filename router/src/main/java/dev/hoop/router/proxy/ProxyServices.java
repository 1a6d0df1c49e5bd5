package dev.hoop.router.proxy;

import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.RouterMetrics;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What every connection handler shares: settings, lookup, pages, logs, metrics, backend pools. */
final class ProxyServices {
    final RouterConfig.Server settings;
    final RouteLookup lookup;
    final ErrorPages errors;
    final AccessLog accessLog;
    final RouterMetrics metrics;
    /** Where each exchange's {@link ExchangeResult} goes. */
    final ExchangeLog exchanges;
    private final SslContext backendTls;
    private final Map<EventLoop, BackendPool> pools = new ConcurrentHashMap<>();
    private final Map<String, BackendAddress> addresses = new ConcurrentHashMap<>();

    ProxyServices(RouterConfig.Server settings, RouteLookup lookup, AccessLog accessLog, RouterMetrics metrics,
                  SslContext backendTls) {
        this.settings = settings;
        this.lookup = lookup;
        this.errors = new ErrorPages(settings.staticDir());
        this.accessLog = accessLog;
        this.metrics = metrics;
        this.exchanges = new ExchangeLog(metrics, accessLog);
        this.backendTls = backendTls;
    }

    /** A backend URL, parsed once (the set of URLs in use is small; the cache is reset if it is not). */
    BackendAddress address(String url) {
        BackendAddress a = addresses.get(url);
        if (a == null) {
            a = BackendAddress.parse(url);
            if (addresses.size() > 10_000) {
                addresses.clear();
            }
            addresses.put(url, a);
        }
        return a;
    }

    /** The pool of the given event loop; only ever used from that loop. */
    BackendPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop,
                l -> new BackendPool(l, settings.maxSockets(), settings.tcpTimeout(), backendTls));
    }
}
