package dev.hoop.router.config;

import java.util.List;

/**
 * The router's effective configuration, in Hipache's schema ({@code server}, {@code http},
 * {@code https}, {@code driver}, {@code user}, {@code group}), read once at start by
 * {@link ConfigLoader} with every default filled in from {@link Defaults}. Immutable.
 *
 * @param server  the {@code server.*} settings
 * @param http    plain HTTP listeners ({@code http.bind} resolved against {@code http.port})
 * @param https   TLS listeners ({@code https.bind} resolved, each with its key/cert/ca)
 * @param driver  route store URLs: one, or {@code [read, …, write]}
 * @param user    user to drop to when started as root; null when not set
 * @param group   group to drop to; null means the group named after {@code user}
 * @param source  the file this was read from (for messages)
 */
public record RouterConfig(Server server, List<Listener> http, List<Listener> https, List<String> driver,
                           String user, String group, String source) {

    /**
     * The {@code server.*} settings. Durations are in seconds as in Hipache.
     *
     * @param accessLog        access log file; null or empty disables it
     * @param workers          event-loop threads serving connections
     * @param maxSockets       most connections per backend (per worker)
     * @param tcpTimeout       idle seconds before a backend is given up (504) or a client closed
     * @param deadBackendTTL   seconds a backend stays marked dead
     * @param retryOnError     how many other backends a failed connection is retried on
     * @param deadBackendOn500 whether a plain 500 marks the backend dead
     * @param httpKeepAlive    whether backend connections are pooled and reused
     * @param staticDir        folder of {@code error_<code>.html} pages; null for built-in pages
     * @param lruCache         route cache, null when disabled
     * @param trustForwardedFor keep a client's {@code X-Forwarded-*} headers (behind a trusted proxy)
     * @param heapWatermark    heap use (fraction of max) above which new connections wait
     * @param sniDir           folder of {@code <host>.crt}/{@code <host>.key} for SNI; null for none
     * @param metrics          admin listener for Prometheus metrics; null when disabled
     */
    public record Server(String accessLog, int workers, int maxSockets, int tcpTimeout, int deadBackendTTL,
                         int retryOnError, boolean deadBackendOn500, boolean httpKeepAlive, String staticDir,
                         LruCache lruCache, boolean trustForwardedFor, double heapWatermark, String sniDir,
                         Listener metrics) {}

    /** {@code server.lruCache}: at most {@code size} host lookups kept for {@code ttl} seconds. */
    public record LruCache(int size, int ttl) {}

    /**
     * One socket to listen on. For https listeners key and cert are PEM file paths (ca optional);
     * for http listeners they are null.
     */
    public record Listener(String address, int port, String key, String cert, List<String> ca, String passphrase) {
        public static Listener plain(String address, int port) {
            return new Listener(address, port, null, null, List.of(), null);
        }

        @Override
        public String toString() {
            // The passphrase never reaches logs.
            return "Listener[" + address + ":" + port + (cert == null ? "" : " cert=" + cert + " key=" + key) + "]";
        }
    }
}
