package dev.hoop.router.driver;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.List;

/** Opens the route store named by the {@code driver} config: embedded for {@code file:}, else Redis. */
public final class RouteStores {
    private RouteStores() {}

    /** @param loops the router's event loops, which the Redis connections join (null: Redis client threads of its own) */
    public static RouteStore open(List<String> driver, EventLoopGroup loops) {
        List<DriverUrl> urls = driver.stream().map(DriverUrl::parse).toList();
        if (urls.getFirst().embedded()) {
            return new EmbeddedRouteStore(Path.of(urls.getFirst().path()));
        }
        return new RedisRouteStore(urls, loops);
    }
}
