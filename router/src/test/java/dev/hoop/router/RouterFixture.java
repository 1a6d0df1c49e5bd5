package dev.hoop.router;

import dev.hoop.router.config.ConfigLoader;
import dev.hoop.router.config.RouterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** A router built from the production wiring, from a config JSON written to a temp file. */
public final class RouterFixture implements AutoCloseable {
    public final Router router;
    public final Path dir;

    public RouterFixture(String serverJson) {
        this(serverJson, "\"redis://127.0.0.1:6379\"", "");
    }

    /**
     * @param serverJson fields of {@code server} (without braces)
     * @param driverJson the {@code driver} value
     * @param extra      more top-level fields (leading comma included when non-empty)
     */
    public RouterFixture(String serverJson, String driverJson, String extra) {
        try {
            dir = Files.createTempDirectory("router-test");
            String accessLog = dir.resolve("access.log").toString();
            String json = "{\"server\": {\"accessLog\": \"" + accessLog + "\""
                    + (serverJson.contains("\"workers\"") ? "" : ", \"workers\": 2")
                    + (serverJson.isBlank() ? "" : ", " + serverJson) + "},"
                    + "\"http\": {\"port\": 0, \"bind\": [\"127.0.0.1\"]},"
                    + "\"driver\": " + driverJson + extra + "}";
            Path file = dir.resolve("config.json");
            Files.writeString(file, json);
            RouterConfig config = ConfigLoader.load(file, false);
            router = Router.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public InetSocketAddress http() {
        return router.httpAddresses().getFirst();
    }

    public Path accessLog() {
        return dir.resolve("access.log");
    }

    @Override
    public void close() {
        router.close();
    }
}
