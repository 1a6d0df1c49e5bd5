package dev.hoop.agent.dlp.gcp;

import dev.hoop.common.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How the agent talks to Google DLP, read once from its environment; every default is here.
 *
 * @param credentials    GOOGLE_APPLICATION_CREDENTIALS_JSON: the service account (required to use DLP)
 * @param endpoint       GOOGLE_DLP_ENDPOINT: the API's base URL (default https://dlp.googleapis.com;
 *                       tests point it at a local stand-in)
 * @param connectTimeout GOOGLE_DLP_CONNECT_TIMEOUT_MS (default 5 s)
 * @param requestTimeout GOOGLE_DLP_TIMEOUT_MS: one request, from sending to the whole answer (default 30 s)
 * @param retries        GOOGLE_DLP_RETRIES: further attempts after a 429, a 5xx or a failed connection (default 2)
 * @param maxRows        GOOGLE_DLP_MAX_ROWS: rows per deidentify request (default 1,000)
 * @param maxBytes       GOOGLE_DLP_MAX_BYTES: request body bytes per deidentify request (default 400,000;
 *                       the API refuses requests over 0.5 MB)
 */
record DlpSettings(ServiceAccount credentials, URI endpoint, Duration connectTimeout, Duration requestTimeout, int retries,
                   int maxRows, int maxBytes) {
    static final String CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS_JSON";
    static final String DEFAULT_ENDPOINT = "https://dlp.googleapis.com";
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    static final int DEFAULT_TIMEOUT_MS = 30_000;
    static final int DEFAULT_RETRIES = 2;
    static final int DEFAULT_MAX_ROWS = 1_000;
    static final int DEFAULT_MAX_BYTES = 400_000;
    /** The API's own limit on a content request. */
    static final int API_MAX_BYTES = 512 * 1024;

    /** @return null when GOOGLE_APPLICATION_CREDENTIALS_JSON is unset or blank (the built-in engine masks) */
    static DlpSettings fromEnv(Map<String, String> env) {
        String json = env.get(CREDENTIALS);
        if (json == null || json.isBlank()) {
            return null;
        }
        ServiceAccount account = ServiceAccount.parse(json);
        URI endpoint = url("GOOGLE_DLP_ENDPOINT", env.getOrDefault("GOOGLE_DLP_ENDPOINT", DEFAULT_ENDPOINT));
        return new DlpSettings(account, endpoint,
                Duration.ofMillis(number(env, "GOOGLE_DLP_CONNECT_TIMEOUT_MS", DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000)),
                Duration.ofMillis(number(env, "GOOGLE_DLP_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 1, 600_000)),
                number(env, "GOOGLE_DLP_RETRIES", DEFAULT_RETRIES, 0, 10),
                number(env, "GOOGLE_DLP_MAX_ROWS", DEFAULT_MAX_ROWS, 1, 50_000),
                number(env, "GOOGLE_DLP_MAX_BYTES", DEFAULT_MAX_BYTES, 1_024, API_MAX_BYTES));
    }

    /**
     * An https URL, or http to this machine only (a local stand-in): the DLP request carries the
     * clear values and the bearer token, the token request a signed assertion.
     */
    static URI url(String name, String value) {
        URI uri;
        try {
            uri = URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": '" + shorten(value) + "' is not a URL (expected e.g. " + DEFAULT_ENDPOINT + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        String host = uri.getHost() == null ? "" : uri.getHost();
        boolean local = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1");
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http") && local)) {
            throw new ConfigException(name + ": '" + shorten(value) + "' (expected: an https URL, or http to 127.0.0.1/localhost"
                    + " for a local stand-in)");
        }
        return uri;
    }

    private static int number(Map<String, String> env, String name, int defaultValue, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new ConfigException(name + ": '" + shorten(raw) + "' (expected: a whole number from " + min + " to " + max + ")");
    }

    static String shorten(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public String toString() {
        return "DlpSettings[" + credentials + ", endpoint=" + endpoint + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", retries=" + retries + ", maxRows=" + maxRows + ", maxBytes=" + maxBytes + "]";
    }
}
