package dev.hoop.router.driver;

import java.nio.file.Path;
import java.util.List;

/** Opens the route store named by the {@code driver} config: embedded for {@code file:}, else Redis. */
public final class RouteStores {
    private RouteStores() {}

    public static RouteStore open(List<String> driver) {
        List<DriverUrl> urls = driver.stream().map(DriverUrl::parse).toList();
        if (urls.getFirst().embedded()) {
            return new EmbeddedRouteStore(Path.of(urls.getFirst().path()));
        }
        return new RedisRouteStore(urls);
    }
}
