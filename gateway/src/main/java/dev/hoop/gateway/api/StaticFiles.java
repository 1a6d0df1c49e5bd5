package dev.hoop.gateway.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The single-page web app from {@code STATIC_UI_PATH}: existing files as they are, every other
 * path as {@code index.html} (client-side routes), paths escaping the folder refused, and a
 * built-in placeholder page when the folder or its index.html is absent.
 */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"), Map.entry("wasm", "application/wasm"));
    static final String PLACEHOLDER = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>hoop gateway</title></head>
            <body><h1>hoop gateway</h1>
            <p>The gateway is running. No web app is installed: set <code>STATIC_UI_PATH</code> to the folder of the web app
            (default <code>/app/ui/public</code>). The REST API answers under <code>/api</code>; start with
            <code>hoop login</code>.</p></body></html>
            """;

    private final Path root;

    public StaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    void serve(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!file.startsWith(root)) {
            ApiRouting.send(res, 400, Json.message("path escapes the web app folder: " + path));
            return;
        }
        if (!Files.isRegularFile(file)) {
            file = root.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.send(PLACEHOLDER.getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            res.header(HeaderNames.CONTENT_TYPE, type(file));
            res.send(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static String type(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
