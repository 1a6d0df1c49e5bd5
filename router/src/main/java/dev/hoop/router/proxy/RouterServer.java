package dev.hoop.router.proxy;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.router.config.RouterConfig;
import dev.hoop.router.log.AccessLog;
import dev.hoop.router.lookup.RouteLookup;
import dev.hoop.router.metrics.RouterMetrics;
import dev.hoop.router.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running router: every http and https listener of the config on {@code server.workers}
 * event-loop threads, sharing one route lookup, access log and metrics. Start-up fails with the
 * address when a port cannot be bound.
 */
public final class RouterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<Channel> http = new ArrayList<>();
    private final List<Channel> https = new ArrayList<>();

    /** @param workers the event loops serving connections; owned by the caller, who shuts them down after {@link #close()} */
    public RouterServer(RouterConfig config, EventLoopGroup workers, RouteLookup lookup, AccessLog accessLog,
                        RouterMetrics metrics) throws InterruptedException {
        RouterConfig.Server settings = config.server();
        SslContext backendTls;
        try {
            backendTls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS client context for https backends", e);
        }
        ProxyServices services = new ProxyServices(settings, lookup, accessLog, metrics, backendTls);
        boss = EventLoops.newGroup(1, "router-accept");
        this.workers = workers;
        try {
            for (RouterConfig.Listener l : config.http()) {
                http.add(bind(l, new RouterInitializer(services, null)));
            }
            for (RouterConfig.Listener l : config.https()) {
                Mapping<String, SslContext> sni = TlsContexts.forListener(l, settings.sniDir());
                https.add(bind(l, new RouterInitializer(services, sni)));
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        List<Channel> all = new ArrayList<>(http);
        all.addAll(https);
        new AcceptGate(settings.heapWatermark(), all, boss);
        LOG.info("router listening on http {} https {} ({} workers, {})", addresses(http), addresses(https),
                settings.workers(), EventLoops.transport().label());
    }

    private Channel bind(RouterConfig.Listener l, RouterInitializer initializer) throws InterruptedException {
        try {
            return new ServerBootstrap().group(boss, workers).channel(EventLoops.serverSocketChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Auto-read stays on for the TLS handshake; FrontendHandler turns it off when added.
                    .childHandler(initializer)
                    .bind(l.address(), l.port()).sync().channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + l.address() + ":" + l.port() + " (" + e.getMessage() + ")", e);
        }
    }

    private static List<String> addresses(List<Channel> channels) {
        return channels.stream().map(c -> String.valueOf(c.localAddress())).toList();
    }

    public List<InetSocketAddress> httpAddresses() {
        return http.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    public List<InetSocketAddress> httpsAddresses() {
        return https.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** The worker threads, shared with the metrics listener. */
    public EventLoopGroup workers() {
        return workers;
    }

    @Override
    public void close() {
        http.forEach(Channel::close);
        https.forEach(Channel::close);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
