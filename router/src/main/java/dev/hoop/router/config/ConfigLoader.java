package dev.hoop.router.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.config.ConfigException;
import dev.hoop.router.driver.DriverUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hipache-schema config file, fills in {@link Defaults}, and validates it: every error
 * names the key and the value and says what was expected, and bad JSON gives its line and column.
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {}

    /**
     * The file to read: {@code --config} when given, else {@code config/config.json} (or
     * {@code config/config_<flavor>.json} when SETTINGS_FLAVOR is set) beside the distribution.
     */
    public static Path resolve(Path explicit, String flavor, Path home) {
        if (explicit != null) {
            return explicit;
        }
        String name = flavor == null || flavor.isBlank() ? "config.json" : "config_" + flavor.trim() + ".json";
        return home.resolve("config").resolve(name);
    }

    /** Reads and validates {@code file}; {@code root} says whether the process runs as uid 0. */
    public static RouterConfig load(Path file, boolean root) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file (" + e + ")", e);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(file + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(file + ": expected a JSON object at the top level");
        }
        return parse(tree, file.toString(), root);
    }

    static RouterConfig parse(JsonNode tree, String source, boolean root) {
        JsonNode server = object(tree, "server");
        RouterConfig.Server settings = new RouterConfig.Server(
                text(server, "server.accessLog", "accessLog", Defaults.ACCESS_LOG),
                integer(server, "server.workers", "workers", Defaults.WORKERS, 1, 1024),
                integer(server, "server.maxSockets", "maxSockets", Defaults.MAX_SOCKETS, 1, 1_000_000),
                integer(server, "server.tcpTimeout", "tcpTimeout", Defaults.TCP_TIMEOUT, 1, 86_400),
                integer(server, "server.deadBackendTTL", "deadBackendTTL", Defaults.DEAD_BACKEND_TTL, 1, 86_400),
                integer(server, "server.retryOnError", "retryOnError", Defaults.RETRY_ON_ERROR, 0, 100),
                bool(server, "server.deadBackendOn500", "deadBackendOn500", Defaults.DEAD_BACKEND_ON_500),
                bool(server, "server.httpKeepAlive", "httpKeepAlive", Defaults.HTTP_KEEP_ALIVE),
                text(server, "server.staticDir", "staticDir", Defaults.STATIC_DIR),
                lruCache(server),
                bool(server, "server.trustForwardedFor", "trustForwardedFor", Defaults.TRUST_FORWARDED_FOR),
                fraction(server, "server.heapWatermark", "heapWatermark", Defaults.HEAP_WATERMARK),
                text(server, "server.sniDir", "sniDir", null),
                metrics(server));
        JsonNode http = object(tree, "http");
        JsonNode https = object(tree, "https");
        List<RouterConfig.Listener> httpListeners = Listeners.http(http,
                integer(http, "http.port", "port", Defaults.HTTP_PORT, 0, 65535), Defaults.HTTP_BIND);
        List<RouterConfig.Listener> httpsListeners = Listeners.https(https,
                integer(https, "https.port", "port", Defaults.HTTPS_PORT, 0, 65535), Defaults.HTTPS_BIND);
        List<String> driver = driver(tree);
        String user = tree.has("user") ? nullableText(tree.get("user"), "user") : Defaults.USER;
        String group = tree.has("group") ? nullableText(tree.get("group"), "group") : Defaults.GROUP;
        if (root && (user == null || user.isBlank())) {
            throw new ConfigException("user: running as root without a user to drop to (expected: \"user\": "
                    + "\"www-data\" or another account; \"root\" keeps root, which is strongly discouraged)");
        }
        if (settings.staticDir() != null && !Files.isDirectory(Path.of(settings.staticDir()))) {
            throw new ConfigException("server.staticDir: '" + settings.staticDir() + "' is not a readable folder");
        }
        if (settings.sniDir() != null && !Files.isDirectory(Path.of(settings.sniDir()))) {
            throw new ConfigException("server.sniDir: '" + settings.sniDir() + "' is not a readable folder");
        }
        return new RouterConfig(settings, httpListeners, httpsListeners, driver, user, group, source);
    }

    private static List<String> driver(JsonNode tree) {
        JsonNode node = tree.get("driver");
        List<String> urls = new ArrayList<>();
        if (node == null || node.isNull()) {
            urls.addAll(Defaults.DRIVER);
        } else if (node.isTextual()) {
            urls.add(node.asText());
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                if (!node.get(i).isTextual()) {
                    throw new ConfigException("driver[" + i + "]: " + node.get(i) + " (expected a URL string)");
                }
                urls.add(node.get(i).asText());
            }
        } else {
            throw new ConfigException("driver: " + node + " (expected a URL string or a non-empty list of URLs)");
        }
        for (String url : urls) {
            DriverUrl.parse(url); // throws a ConfigException naming the URL
        }
        boolean embedded = urls.stream().anyMatch(u -> u.startsWith("file:"));
        if (embedded && urls.size() > 1) {
            throw new ConfigException("driver: " + urls + " (expected a single file: URL for the embedded driver)");
        }
        return List.copyOf(urls);
    }

    private static RouterConfig.LruCache lruCache(JsonNode server) {
        JsonNode node = server.get("lruCache");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException("server.lruCache: " + node + " (expected {\"size\": n, \"ttl\": seconds})");
        }
        return new RouterConfig.LruCache(integer(node, "server.lruCache.size", "size", 1000, 1, 10_000_000),
                integer(node, "server.lruCache.ttl", "ttl", 5, 1, 86_400));
    }

    private static RouterConfig.Listener metrics(JsonNode server) {
        JsonNode node = server.get("metrics");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException("server.metrics: " + node + " (expected {\"port\": n, \"bind\": address})");
        }
        return RouterConfig.Listener.plain(text(node, "server.metrics.bind", "bind", Defaults.METRICS_BIND),
                integer(node, "server.metrics.port", "port", 0, 0, 65535));
    }

    static JsonNode object(JsonNode parent, String key) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return JSON.createObjectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(key + ": " + node + " (expected a JSON object)");
        }
        return node;
    }

    static int integer(JsonNode parent, String name, String key, int fallback, int min, int max) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < min || node.asInt() > max) {
            throw new ConfigException(name + ": " + node + " (expected an integer from " + min + " to " + max + ")");
        }
        return node.asInt();
    }

    private static double fraction(JsonNode parent, String name, String key, double fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || node.asDouble() <= 0 || node.asDouble() > 1) {
            throw new ConfigException(name + ": " + node + " (expected a fraction of the max heap, 0 < x <= 1)");
        }
        return node.asDouble();
    }

    private static boolean bool(JsonNode parent, String name, String key, boolean fallback) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new ConfigException(name + ": " + node + " (expected true or false)");
        }
        return node.asBoolean();
    }

    static String text(JsonNode parent, String name, String key, String fallback) {
        JsonNode node = parent.get(key);
        if (node == null) {
            return fallback;
        }
        return nullableText(node, name);
    }

    private static String nullableText(JsonNode node, String name) {
        if (node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.asText(); // user and group may be numeric ids, as in Hipache
        }
        if (!node.isTextual()) {
            throw new ConfigException(name + ": " + node + " (expected a string)");
        }
        return node.asText();
    }
}
