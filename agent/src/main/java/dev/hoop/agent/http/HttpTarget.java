package dev.hoop.agent.http;

import dev.hoop.common.wire.ConnectionParams;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where an http connection's requests go, and the headers the agent adds to each: read from the
 * connection's envs. {@code URL} ({@code http://} or {@code https://}, an optional path prefix) or
 * {@code HOST} and {@code PORT} (plain http); every {@code HEADER_<Name>} env becomes a request
 * header, underscores in the name becoming hyphens ({@code HEADER_X_API_KEY} → {@code X-API-KEY};
 * header names are case-insensitive). {@code TLS_CA} (PEM, or base64 of it) replaces the JVM's
 * trusted authorities for an https target. {@link #toString()} never shows header values.
 *
 * @param headers header name (lower case) to value
 * @param caPem   the connection's own certificate authorities, or null for the JVM's
 */
record HttpTarget(boolean tls, String host, int port, String basePath, Map<String, String> headers, String caPem) {
    static final String HEADER_PREFIX = "HEADER_";
    /** RFC 9110 token characters: what a header name may be made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    HttpTarget {
        headers = java.util.Collections.unmodifiableMap(new TreeMap<>(headers)); // sorted: a stable order on the wire
    }

    /** @throws IllegalArgumentException naming the connection, the variable and what was expected */
    static HttpTarget of(ConnectionParams params) {
        Map<String, String> envs = params.envs();
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, String> e : envs.entrySet()) {
            if (!e.getKey().startsWith(HEADER_PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(HEADER_PREFIX.length()).replace('_', '-');
            if (name.isEmpty() || !TOKEN.matcher(name).matches()) {
                throw bad(params, e.getKey() + " does not name a header (expected: HEADER_<Name>, e.g. HEADER_Authorization)");
            }
            if (e.getValue().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw bad(params, e.getKey() + " holds a line break or NUL (expected: a one-line header value)");
            }
            headers.put(name.toLowerCase(Locale.ROOT), e.getValue());
        }
        String ca = null;
        if (envs.get("TLS_CA") != null && !envs.get("TLS_CA").isBlank()) {
            try {
                ca = new String(dev.hoop.common.tls.TlsMaterial.decodePem(envs.get("TLS_CA"), "CERTIFICATE"), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw bad(params, "has a TLS_CA that cannot be read: " + e.getMessage());
            }
        }
        String url = envs.get("URL");
        if (url != null && !url.isBlank()) {
            return fromUrl(params, url.trim(), headers, ca);
        }
        String host = envs.get("HOST");
        String port = envs.get("PORT");
        if (host == null || host.isBlank()) {
            throw bad(params, "has neither URL nor HOST (expected: URL=http(s)://host[:port][/prefix], or HOST and PORT)");
        }
        return new HttpTarget(false, host.trim(), port(params, port), "", headers, ca);
    }

    private static HttpTarget fromUrl(ConnectionParams params, String url, Map<String, String> headers, String ca) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw bad(params, "has URL that is not a URL (" + e.getReason() + "; expected: http(s)://host[:port][/prefix])");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad(params, "has URL with scheme '" + scheme + "' (expected: http or https)");
        }
        if (uri.getHost() == null) {
            throw bad(params, "has URL without a host (expected: http(s)://host[:port][/prefix])");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad(params, "has URL with a user and password (expected: none; put credentials in HEADER_Authorization)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(params, "has URL with a query or fragment (expected: at most a path prefix)");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new HttpTarget(tls, host, port, path, headers, ca);
    }

    private static int port(ConnectionParams params, String port) {
        if (port == null || !port.trim().matches("\\d{1,5}") || Integer.parseInt(port.trim()) < 1 || Integer.parseInt(port.trim()) > 65535) {
            throw bad(params, "has PORT '" + (port == null ? "" : port) + "' (expected: a port number from 1 to 65535)");
        }
        return Integer.parseInt(port.trim());
    }

    private static IllegalArgumentException bad(ConnectionParams params, String what) {
        return new IllegalArgumentException("connection '" + params.name() + "' " + what);
    }

    /** The Host header the target expects: the default port left out. */
    String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + basePath
                + (headers.isEmpty() ? "" : " (adding headers " + headers.keySet() + ")") + (caPem == null ? "" : " (own CA)");
    }
}
