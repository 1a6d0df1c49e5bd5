package dev.hoop.gateway.config;

import dev.hoop.common.config.Env;

/**
 * Who may read {@code GET /metrics} (docs/metrics.md#access).
 *
 * @param token {@code METRICS_TOKEN}: when set, a scraper must send {@code Authorization: Bearer <token>}, from any
 *              address; null: only a scraper on the gateway's own host (loopback, not relayed by a proxy) may read
 */
public record MetricsSettings(String token) {
    public static final MetricsSettings LOOPBACK_ONLY = new MetricsSettings(null);
    static final int MIN_TOKEN_CHARS = 32;

    static MetricsSettings from(Env env) {
        // the value never appears in an error: it is a secret, even when malformed
        String token = env.parsed("METRICS_TOKEN", null, v -> {
            if (!v.matches("[\\x21-\\x7e]+")) {
                throw new IllegalArgumentException("contains spaces or characters outside printable ASCII (expected: a token such as "
                        + "`openssl rand -hex 32`, sent by the scraper as 'Authorization: Bearer <token>')");
            }
            if (v.length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException(v.length() + " characters (expected: at least " + MIN_TOKEN_CHARS
                        + ", e.g. `openssl rand -hex 32`)");
            }
            return v;
        });
        return token == null ? LOOPBACK_ONLY : new MetricsSettings(token);
    }

    @Override
    public String toString() {
        return "MetricsSettings[token=" + (token == null ? "unset (loopback only)" : "****") + "]";
    }
}
