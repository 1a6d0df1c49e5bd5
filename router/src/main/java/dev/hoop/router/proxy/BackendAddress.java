package dev.hoop.router.proxy;

import java.net.URI;
import java.util.Locale;

/**
 * Where a backend URL points: {@code http://host[:port]}, {@code https://…}, {@code ws://…} or
 * {@code wss://…}. Paths in backend URLs are ignored, as in Hipache.
 */
record BackendAddress(String host, int port, boolean tls) {

    /** @throws IllegalArgumentException with a message naming the URL */
    static BackendAddress parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backend '" + url + "' is not a URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "http", "ws" -> false;
            case "https", "wss" -> true;
            default -> throw new IllegalArgumentException("backend '" + url + "' has no http(s) scheme");
        };
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("backend '" + url + "' has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new BackendAddress(host, port, tls);
    }
}
