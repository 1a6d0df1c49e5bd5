package dev.hoop.router.driver;

import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The contract again on the pipelined-commands path (what a Redis that refuses scripts gets). */
class RedisPipelinedRouteStoreTest extends RouteStoreContract {
    private final dev.hoop.router.RedisFixture redis = new dev.hoop.router.RedisFixture();
    private final RedisRouteStore store = new RedisRouteStore(List.of(DriverUrl.parse("redis://127.0.0.1:6379")), false);

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
}
