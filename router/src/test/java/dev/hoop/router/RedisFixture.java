package dev.hoop.router;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shared Redis at 127.0.0.1:6379, used politely: every host name a test uses carries a
 * random suffix, and every key the test created is deleted at the end.
 */
public final class RedisFixture implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    public final RedisCommands<String, String> redis;
    private final List<String> keys = new ArrayList<>();
    public final String suffix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".test";

    public RedisFixture() {
        this(6379);
    }

    public RedisFixture(int port) {
        client = RedisClient.create("redis://127.0.0.1:" + port);
        connection = client.connect();
        redis = connection.sync();
    }

    /** A unique host name ending with this fixture's suffix. */
    public String host(String label) {
        return label + "." + suffix;
    }

    public void frontend(String host, String identifier, String... backends) {
        String key = "frontend:" + host;
        keys.add(key);
        keys.add("dead:" + host);
        redis.del(key);
        redis.rpush(key, identifier);
        if (backends.length > 0) {
            redis.rpush(key, backends);
        }
    }

    public void track(String key) {
        keys.add(key);
    }

    @Override
    public void close() {
        if (!keys.isEmpty()) {
            try {
                redis.del(keys.toArray(String[]::new));
            } catch (RuntimeException e) {
                // the test's own Redis may already be gone
            }
        }
        connection.close();
        client.shutdown();
    }
}
