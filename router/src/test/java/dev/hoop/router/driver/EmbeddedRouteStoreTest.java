package dev.hoop.router.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.common.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the embedded JSON-file store, plus reloading and bad files. */
class EmbeddedRouteStoreTest extends RouteStoreContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final ObjectNode routes = JSON.createObjectNode();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final EmbeddedRouteStore store;

    EmbeddedRouteStoreTest() throws IOException {
        file = Files.createTempFile("routes", ".json");
        Files.writeString(file, "{}");
        store = new EmbeddedRouteStore(file, clock::get);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
        Files.deleteIfExists(file);
    }

    @Override
    protected RouteStore store() {
        return store;
    }

    @Override
    protected void frontend(String host, String... list) {
        ArrayNode a = routes.putArray("frontend:" + host);
        for (String s : list) {
            a.add(s);
        }
        try {
            Files.writeString(file, JSON.writeValueAsString(routes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.reload();
    }

    @Override
    protected void expire(String host, int seconds) {
        clock.addAndGet(31_000_000_000L); // past the 30 s TTL
    }

    @Test
    void theFileIsReloadedWhenItChanges() throws Exception {
        String host = "reload." + suffix;
        Files.writeString(file, "{\"frontend:" + host + "\": [\"v2\", \"http://10.0.0.3:80\"]}");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        long deadline = System.nanoTime() + 5_000_000_000L;
        Route r = Route.NONE;
        while (!r.found() && System.nanoTime() < deadline) {
            r = store.read(java.util.List.of(host)).toCompletableFuture().join();
            Thread.onSpinWait();
        }
        assertThat(r.identifier()).isEqualTo("v2");
    }

    @Test
    void aBrokenFileAtStartIsAConfigErrorWithItsPosition() throws IOException {
        Path bad = Files.createTempFile("routes", ".json");
        Files.writeString(bad, "{\n  \"frontend:x\": [\"a\",\n}");
        assertThatThrownBy(() -> new EmbeddedRouteStore(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("driver: routes file " + bad + ": invalid JSON at line 3, column 1:");
        Files.delete(bad);
    }

    @Test
    void anEntryThatIsNotAFrontendListIsRejected() throws IOException {
        Path bad = Files.createTempFile("routes", ".json");
        Files.writeString(bad, "{\"dead:x\": [1]}");
        assertThatThrownBy(() -> new EmbeddedRouteStore(bad))
                .hasMessage("driver: routes file " + bad + ": entry 'dead:x' (expected \"frontend:<host>\": [identifier, backend URLs...])");
        Files.delete(bad);
    }
}
