package dev.hoop.router.driver;

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
    private final RedisClient client;
    private final AtomicReference<StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final Thread connector;
    private volatile boolean closed;

    RedisLink(DriverUrl url) {
        this.url = url;
        RedisURI.Builder uri = RedisURI.builder().withHost(url.host()).withPort(url.port()).withDatabase(url.db())
                .withTimeout(COMMAND_TIMEOUT);
        if (url.password() != null) {
            uri.withPassword(url.password().toCharArray());
        }
        // Reconnect attempts at most 2 s apart: a restarted Redis is back in service within seconds.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.connector = Thread.ofVirtual().name("redis-connect-" + url.host() + ":" + url.port()).start(this::connectLoop);
        // Give the first connection a moment so that the first requests do not race it; a Redis
        // that is down at start does not stop the router (requests get 502 until it is back).
        try {
            connector.join(COMMAND_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
