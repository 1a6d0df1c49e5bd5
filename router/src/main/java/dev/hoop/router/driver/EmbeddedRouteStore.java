package dev.hoop.router.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from a local JSON file, for a router without Redis. The file uses Redis' key names:
 * <pre>{"frontend:www.example.com": ["mysite", "http://10.0.0.1:8080", "http://10.0.0.2:8080"]}</pre>
 * It is re-read when its modification time changes (checked once a second on a virtual thread);
 * a broken edit is logged and the previous routes stay. Dead marks live in memory.
 */
public final class EmbeddedRouteStore implements RouteStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRouteStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final LongSupplier nanoClock;
    private final Map<String, Map<Integer, Long>> dead = new ConcurrentHashMap<>();
    private volatile Map<String, List<String>> routes;
    private volatile FileTime loadedAt;
    private final Thread watcher;
    private volatile boolean closed;

    public EmbeddedRouteStore(Path file) {
        this(file, System::nanoTime);
    }

    EmbeddedRouteStore(Path file, LongSupplier nanoClock) {
        this.file = file;
        this.nanoClock = nanoClock;
        this.routes = load(file); // a bad file at start is a config error
        this.loadedAt = modified(file);
        this.watcher = Thread.ofVirtual().name("routes-watch").start(this::watch);
    }

    static Map<String, List<String>> load(Path file) {
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException("driver: routes file " + file + ": invalid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("driver: cannot read routes file " + file + " (" + e + ")", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("driver: routes file " + file + ": expected a JSON object of \"frontend:<host>\": [identifier, backend URLs...]");
        }
        Map<String, List<String>> out = new HashMap<>();
        var fields = tree.properties();
        for (var field : fields) {
            String key = field.getKey();
            if (!key.startsWith("frontend:") || !field.getValue().isArray()) {
                throw new ConfigException("driver: routes file " + file + ": entry '" + key
                        + "' (expected \"frontend:<host>\": [identifier, backend URLs...])");
            }
            List<String> list = new ArrayList<>();
            field.getValue().forEach(e -> list.add(e.asText()));
            out.put(key.substring("frontend:".length()), List.copyOf(list));
        }
        return Map.copyOf(out);
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(1000);
                FileTime now = modified(file);
                if (now != null && !now.equals(loadedAt)) {
                    loadedAt = now;
                    routes = load(file);
                    LOG.info("route store: reloaded {} ({} frontends)", file, routes.size());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("route store: keeping the previous routes, reload failed: {}", e.getMessage());
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Forces a reload now (tests, and callers that just wrote the file). */
    public void reload() {
        loadedAt = modified(file);
        routes = load(file);
    }

    @Override
    public CompletionStage<Route> read(List<String> candidates) {
        Map<String, List<String>> current = routes;
        for (String candidate : candidates) {
            List<String> list = current.get(candidate);
            if (list != null && !list.isEmpty()) {
                return CompletableFuture.completedFuture(new Route(candidate, list.getFirst(),
                        list.subList(1, list.size()), deadOf(candidates.getFirst())));
            }
        }
        return CompletableFuture.completedFuture(Route.NONE);
    }

    private Set<Integer> deadOf(String host) {
        Map<Integer, Long> marks = dead.get(host);
        if (marks == null) {
            return Set.of();
        }
        long now = nanoClock.getAsLong();
        marks.values().removeIf(expiry -> expiry - now <= 0);
        return Set.copyOf(marks.keySet());
    }

    @Override
    public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
        long expiry = nanoClock.getAsLong() + ttlSeconds * 1_000_000_000L;
        // As Redis' EXPIRE on the whole set: every mark of the host gets the new deadline.
        Map<Integer, Long> marks = dead.computeIfAbsent(host, h -> new ConcurrentHashMap<>());
        marks.put(index, expiry);
        marks.replaceAll((i, e) -> expiry);
        LOG.info("route store: dead {};{};{};{}", host, url, index, count);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String describe() {
        return "embedded " + file;
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
    }
}
