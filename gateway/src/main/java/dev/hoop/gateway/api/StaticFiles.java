package dev.hoop.gateway.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-page web app: from {@code STATIC_UI_PATH} when that folder holds an index.html,
 * otherwise the app built into the gateway jar. Existing files are served as they are, every other
 * path as {@code index.html} (client-side routes); paths escaping the folder are refused. Every
 * answer carries a strict Content-Security-Policy (scripts and styles from this origin only) and
 * {@code Referrer-Policy: no-referrer}, so a sign-in token in the address is never sent onwards.
 */
public final class StaticFiles {
    /** Where the built-in app lives on the class path. */
    static final String BUILT_IN = "/dev/hoop/gateway/webapp/";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"), Map.entry("wasm", "application/wasm"));

    private final Path root;
    private final boolean fromFolder;
    // The built-in app is small and never changes while the gateway runs: read each file once.
    private final Map<String, byte[]> builtIn = new ConcurrentHashMap<>();

    public StaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.fromFolder = Files.isRegularFile(this.root.resolve("index.html"));
    }

    void serve(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String relative = path.replaceFirst("^/+", "");
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || relative.contains("\\")) {
            ApiRouting.send(res, 400, Json.message("path escapes the web app folder: " + path));
            return;
        }
        String name = root.relativize(file).toString();
        Optional<byte[]> body = fromFolder ? fromFolder(file) : builtIn(name);
        if (body.isEmpty()) {
            name = "index.html";
            body = fromFolder ? fromFolder(root.resolve(name)) : builtIn(name);
        }
        res.header(HeaderNames.CONTENT_TYPE, type(name.isEmpty() ? "index.html" : name));
        res.header("Content-Security-Policy", CSP);
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Content-Type-Options", "nosniff");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(body.orElseThrow(() -> new IllegalStateException("the web app has no index.html")));
    }

    private static Optional<byte[]> fromFolder(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private Optional<byte[]> builtIn(String name) {
        if (!name.substring(name.lastIndexOf('/') + 1).contains(".")) {
            return Optional.empty(); // folders and client-side routes; every file of the app has an extension
        }
        byte[] cached = builtIn.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream(BUILT_IN + name)) {
            if (in == null) {
                return Optional.empty(); // a client-side route: not remembered, so random paths cannot fill the cache
            }
            byte[] bytes = in.readAllBytes();
            builtIn.put(name, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the built-in web app's " + name, e);
        }
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
