package dev.hoop.gateway.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Set;

/**
 * REST API latency by route template ({@code /api/sessions/{id}}, never the path asked for), so
 * that the number of series is bounded by the route table: a path that matches no route counts
 * as {@link #UNMATCHED} (under {@code /api}) or {@link #WEB_APP}, and a method outside the
 * standard ones as {@code OTHER}.
 */
public final class ApiMetrics {
    public static final String UNMATCHED = "unmatched";
    public static final String WEB_APP = "web_app";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Histogram latency;

    ApiMetrics(PrometheusRegistry registry) {
        latency = Histogram.builder().name("hoop_api_request_duration_seconds")
                .help("Time to answer an HTTP request on the API port, by method, route template and status code")
                .labelNames("method", "route", "code").classicOnly().withoutExemplars().register(registry);
    }

    /** Metrics for other tests' routings: a registry nobody reads. */
    public static ApiMetrics detached() {
        return new ApiMetrics(new PrometheusRegistry());
    }

    /**
     * @param method the request's method (anything a client sent: outside the standard set it counts as OTHER)
     * @param route  a route template of the table, {@link #UNMATCHED} or {@link #WEB_APP}
     * @param status the status code the gateway answered
     */
    public void observe(String method, String route, int status, long nanos) {
        String m = method.toUpperCase(Locale.ROOT);
        latency.labelValues(METHODS.contains(m) ? m : "OTHER", route, Integer.toString(status)).observe(nanos / 1e9);
    }
}
