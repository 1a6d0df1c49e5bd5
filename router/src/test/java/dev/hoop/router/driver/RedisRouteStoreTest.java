package dev.hoop.router.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.RedisFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the shared Redis, plus Hipache's exact dead-mark writes. */
class RedisRouteStoreTest extends RouteStoreContract {
    private final RedisFixture redis = new RedisFixture();
    private final RedisRouteStore store = new RedisRouteStore(List.of(DriverUrl.parse("redis://127.0.0.1:6379")));

    @AfterEach
    void close() {
        store.close();
        redis.close();
    }

    @Override
    protected RouteStore store() {
        return store;
    }

    @Override
    protected void frontend(String host, String... list) {
        redis.frontend(host, list[0], java.util.Arrays.copyOfRange(list, 1, list.length));
    }

    @Override
    protected void expire(String host, int seconds) {
        redis.redis.del("dead:" + host);
    }

    @Test
    void aDeadMarkIsWrittenAsHipacheWritesIt() throws Exception {
        String host = "p." + suffix;
        frontend(host, "app", "http://10.0.0.1:80", "http://10.0.0.2:80");
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    if (message.startsWith(host + ";")) {
                        messages.add(channel + "|" + message);
                    }
                }
            });
            sub.sync().subscribe("dead");
            store.markDead(host, "http://10.0.0.2:80", 1, 2, 17).toCompletableFuture().join();
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("dead|" + host + ";http://10.0.0.2:80;1;2");
        } finally {
            client.shutdown();
        }
        assertThat(redis.redis.smembers("dead:" + host)).containsExactly("1");
        assertThat(redis.redis.ttl("dead:" + host)).isBetween(1L, 17L);
    }

    @Test
    void aPrefixFromTheUrlIsPrependedToEveryKey() {
        String host = "pre." + suffix;
        redis.track("myprefix:frontend:" + host);
        redis.redis.rpush("myprefix:frontend:" + host, "prefixed", "http://10.0.0.9:80");
        try (RedisRouteStore prefixed = new RedisRouteStore(List.of(DriverUrl.parse("redis://127.0.0.1:6379/0#myprefix:")))) {
            Route r = prefixed.read(List.of(host)).toCompletableFuture().join();
            assertThat(r.identifier()).isEqualTo("prefixed");
        }
    }
}
