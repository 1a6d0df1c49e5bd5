package dev.hoop.gateway.config;

import dev.hoop.common.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * How webhooks are delivered, read once from the environment. Every default is here.
 *
 * @param svixAppKey  {@code WEBHOOK_APPKEY}: null delivers to the configured endpoints directly; set, every message goes to
 *                    Svix's API instead (Svix signs, fans out and retries)
 * @param svixUrl     {@code SVIX_URL}: Svix's API base URL (default {@value #DEFAULT_SVIX_URL}; a stand-in in tests)
 * @param retryDelay  {@code WEBHOOK_RETRY_DELAY}: the delay before the first retry, doubled at each further one (with jitter)
 * @param maxAttempts {@code WEBHOOK_MAX_ATTEMPTS}: attempts before a message is marked failed
 * @param timeout     {@code WEBHOOK_TIMEOUT}: how long one attempt may take, connecting and answering included
 */
public record WebhookSettings(String svixAppKey, URI svixUrl, Duration retryDelay, int maxAttempts, Duration timeout) {
    public static final String DEFAULT_SVIX_URL = "https://api.svix.com";
    static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(5);
    /** 5 s doubled 11 times (capped at an hour): the last attempt comes about 6 hours after the event. */
    static final int DEFAULT_MAX_ATTEMPTS = 12;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public static WebhookSettings fromEnv(Env env) {
        String key = env.parsed("WEBHOOK_APPKEY", null, v -> {
            if (v.isBlank() || v.length() > 1024 || !v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                throw new IllegalArgumentException("not a usable key (expected: the Svix API key, printable ASCII without spaces)");
            }
            return v;
        });
        URI svix = env.parsed("SVIX_URL", URI.create(DEFAULT_SVIX_URL), WebhookSettings::baseUrl);
        Duration retry = env.parsed("WEBHOOK_RETRY_DELAY", DEFAULT_RETRY_DELAY,
                v -> duration(v, Duration.ofMillis(100), Duration.ofHours(1), "from 100ms to 1h"));
        int attempts = env.parsed("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, v -> {
            if (!v.matches("[0-9]{1,3}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 100) {
                throw new IllegalArgumentException("'" + v + "' (expected: a number of attempts from 1 to 100)");
            }
            return Integer.parseInt(v);
        });
        Duration timeout = env.parsed("WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT,
                v -> duration(v, Duration.ofSeconds(1), Duration.ofMinutes(5), "from 1s to 5m"));
        return new WebhookSettings(key, svix, retry, attempts, timeout);
    }

    public boolean svix() {
        return svixAppKey != null;
    }

    private static URI baseUrl(String v) {
        try {
            URI u = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getRawUserInfo() == null
                    && u.getRawQuery() == null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new IllegalArgumentException("'" + v + "' (expected: an http or https base URL such as " + DEFAULT_SVIX_URL + ")");
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m} or {@code 1h}. */
    static Duration duration(String v, Duration min, Duration max, String range) {
        String expected = "'" + v + "' (expected: a duration such as 500ms, 5s or 1m, " + range + ")";
        if (!v.matches("[0-9]{1,7}(ms|s|m|h)")) {
            throw new IllegalArgumentException(expected);
        }
        String unit = v.replaceAll("[0-9]", "");
        long n = Long.parseLong(v.substring(0, v.length() - unit.length()));
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(expected);
        }
        return d;
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "WebhookSettings[svix=" + (svixAppKey == null ? "off" : "****") + ", svixUrl=" + svixUrl + ", retryDelay=" + retryDelay
                + ", maxAttempts=" + maxAttempts + ", timeout=" + timeout + "]";
    }

}
