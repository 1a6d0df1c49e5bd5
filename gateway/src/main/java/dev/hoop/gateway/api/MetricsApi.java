package dev.hoop.gateway.api;

import dev.hoop.gateway.config.MetricsSettings;
import dev.hoop.gateway.metrics.GatewayMetrics;
import io.helidon.http.Method;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * {@code GET /metrics} in the Prometheus text format (docs/metrics.md). It sits on the API port,
 * which is often published to the internet, so it has its own rule rather than a user's token:
 * with {@code METRICS_TOKEN} set a scraper sends it as a bearer token, from anywhere; without it
 * only a scraper on this host may read, and a request a reverse proxy relayed (it carries
 * {@code Forwarded}, {@code X-Forwarded-For} or {@code X-Real-IP}) is not one, since a proxy on
 * this host connects from loopback on behalf of anybody.
 */
final class MetricsApi {
    static final String PATH = "/metrics";
    static final String NOT_LOCAL = "/metrics is answered only to a scraper on the gateway's host when METRICS_TOKEN is unset "
            + "(set METRICS_TOKEN and send 'Authorization: Bearer <token>' to scrape from elsewhere)";
    static final String RELAYED = "/metrics is not answered through a reverse proxy when METRICS_TOKEN is unset "
            + "(set METRICS_TOKEN and send 'Authorization: Bearer <token>', or scrape the gateway's port directly)";
    static final String BAD_TOKEN = "/metrics needs 'Authorization: Bearer <METRICS_TOKEN>' (missing or wrong token)";
    private static final List<String> PROXY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    private final GatewayMetrics metrics;
    private final byte[] token;

    MetricsApi(GatewayMetrics metrics, MetricsSettings settings) {
        this.metrics = metrics;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    }

    List<Route> routes() {
        return List.of(Route.of(Method.GET, PATH, Access.PUBLIC, this::scrape));
    }

    private Reply scrape(Call c) {
        if (token != null) {
            requireToken(c.header("Authorization"));
        } else {
            requireLocal(c.remoteInetAddress(), PROXY_HEADERS.stream().anyMatch(h -> c.header(h) != null));
        }
        return Reply.stream(GatewayMetrics.CONTENT_TYPE, metrics::scrape);
    }

    private void requireToken(String authorization) {
        String prefix = "Bearer ";
        boolean ok = authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length())
                // constant time: the comparison tells nothing about how much of a guess was right
                && MessageDigest.isEqual(authorization.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8), token);
        if (!ok) {
            throw new ApiException(401, BAD_TOKEN);
        }
    }

    private static void requireLocal(InetAddress peer, boolean relayed) {
        if (peer == null || !peer.isLoopbackAddress()) {
            throw new ApiException(403, NOT_LOCAL);
        }
        if (relayed) {
            throw new ApiException(403, RELAYED);
        }
    }
}
