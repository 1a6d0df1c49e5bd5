package dev.hoop.router.driver;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.retry.Backoff;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection that is always being (re)established in the background. Commands fail
 * fast while Redis is away (Lettuce's REJECT_COMMANDS plus a command timeout), so a request gets
 * a 502 instead of waiting for Redis, and the connection comes back by itself.
 */
final class RedisLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final DriverUrl url;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final EventLoop loop;
    private final RedisClient client;
    private final AtomicReference<StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final Thread connector;
    private volatile boolean closed;

    /** A link on Lettuce's own I/O threads, connected (or given up on for now) before it returns. */
    RedisLink(DriverUrl url) {
        this(url, defaultResources(), true, null);
        awaitFirstConnection(System.nanoTime() + COMMAND_TIMEOUT.toNanos());
    }

    /**
     * A link whose connection runs on {@code loop} when given (Lettuce's own threads otherwise), with a channel of
     * the loop's transport ({@link LoopChannels}; the loop must come from {@link EventLoops#newGroup}); the first
     * connection is being made in the background when this returns, see {@link #awaitFirstConnection}.
     *
     * @param shared resources whose timer and computation threads this link shares; they stay open when it closes
     */
    RedisLink(DriverUrl url, ClientResources shared, EventLoop loop) {
        this(url, loop == null ? shared : LoopChannels.resources(shared, loop), loop != null, loop);
    }

    private RedisLink(DriverUrl url, ClientResources resources, boolean ownsResources, EventLoop loop) {
        this.url = url;
        this.loop = loop;
        RedisURI.Builder uri = RedisURI.builder().withHost(url.host()).withPort(url.port()).withDatabase(url.db())
                .withTimeout(COMMAND_TIMEOUT);
        if (url.password() != null) {
            uri.withPassword(url.password().toCharArray());
        }
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.client = loop == null ? RedisClient.create(resources, uri.build())
                : LoopChannels.client(resources, uri.build(), loop);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.connector = Thread.ofVirtual().name("redis-connect-" + url.host() + ":" + url.port()).start(this::connectLoop);
    }

    /** Lettuce's resources with its own threads: reconnect attempts at most 2 s apart, so a restarted Redis is back within seconds. */
    static ClientResources defaultResources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * Gives the first connection until {@code deadlineNanos} so that the first requests do not race it; a Redis
     * that is down at start does not stop the router (requests get 502 until it is back).
     */
    void awaitFirstConnection(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                connector.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The router event loop this link's connection runs on; null when on Lettuce's own threads. */
    EventLoop loop() {
        return loop;
    }

    /** The first connection is made here; Lettuce's own reconnect takes over once it exists. */
    private void connectLoop() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        while (!closed && connection.get() == null) {
            try {
                connection.set(client.connect(StringCodec.UTF8));
                LOG.info("route store: connected to {}", url);
                return;
            } catch (RuntimeException e) {
                LOG.warn("route store: cannot connect to {} (attempt {}): {}; retrying", url, backoff.attempts() + 1,
                        e.getMessage());
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The async commands, or an exception saying Redis is not connected yet. */
    RedisAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection.get();
        if (c == null) {
            throw new RouteStoreException("Redis at " + url + " is not connected", null);
        }
        return c.async();
    }

    @Override
    public void close() {
        closed = true;
        connector.interrupt();
        StatefulRedisConnection<String, String> c = connection.getAndSet(null);
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        if (ownsResources) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
