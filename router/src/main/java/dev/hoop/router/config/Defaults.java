package dev.hoop.router.config;

import java.util.List;

/**
 * Every default of the router configuration, in one place. The values are Hipache's
 * ({@code lib/config/defaults.js}) so that a Hipache config file means the same thing here;
 * the settings Hipache does not have are marked "extension".
 */
final class Defaults {
    private Defaults() {}

    static final String ACCESS_LOG = "/var/log/hipache/access.log";
    static final int WORKERS = 10;
    static final int MAX_SOCKETS = 100;
    static final int TCP_TIMEOUT = 30;
    static final int DEAD_BACKEND_TTL = 30;
    static final int RETRY_ON_ERROR = 3;
    static final boolean DEAD_BACKEND_ON_500 = true;
    static final boolean HTTP_KEEP_ALIVE = false;
    static final String STATIC_DIR = null;

    static final int HTTP_PORT = 80;
    static final List<String> HTTP_BIND = List.of("127.0.0.1");
    static final int HTTPS_PORT = 443;
    static final List<String> HTTPS_BIND = List.of();

    /** Hipache's default: the local Redis on its default port. */
    static final List<String> DRIVER = List.of("redis:");
    static final String USER = "www-data";
    static final String GROUP = "www-data";

    /** Extension: a client's own X-Forwarded-For is replaced, not appended to, unless trusted. */
    static final boolean TRUST_FORWARDED_FOR = false;
    /** Extension: stop accepting above 85 % of the max heap, resume below it. */
    static final double HEAP_WATERMARK = 0.85;
    /** Extension: metrics admin listener address when {@code server.metrics.port} is given. */
    static final String METRICS_BIND = "127.0.0.1";
}
