package dev.hoop.gateway.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Prometheus metrics (docs/metrics.md): one registry per gateway (no process-wide
 * singleton, so that two gateways in one JVM, as in the tests, count apart), the meters the
 * broker, the audit log and the API feed, the gauges read from the wiring's suppliers at scrape
 * time, and the JVM's own metrics.
 *
 * <p>Labels carry only values from closed sets (connection types, verbs, directions, route
 * templates, HTTP methods and status codes): never an id, a name or anything a user typed.
 */
public final class GatewayMetrics {
    private static final Logger log = LoggerFactory.getLogger(GatewayMetrics.class);
    /** What {@link #scrape} writes: the Prometheus text format, version 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry;
    private final SessionMetrics sessions;
    private final AuditMetrics audit;
    private final ApiMetrics api;

    private GatewayMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.sessions = new SessionMetrics(registry);
        this.audit = new AuditMetrics(registry);
        this.api = new ApiMetrics(registry);
    }

    /** The gateway's metrics with the JVM's (memory, GC, threads, …). */
    public static GatewayMetrics create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return new GatewayMetrics(registry);
    }

    public SessionMetrics sessions() {
        return sessions;
    }

    public AuditMetrics audit() {
        return audit;
    }

    public ApiMetrics api() {
        return api;
    }

    /** {@code hoop_agents_online}: agents with a live stream to this gateway. */
    public GatewayMetrics agentsOnline(LongSupplier count) {
        return gauge("hoop_agents_online", "Agents with a live stream to this gateway", count);
    }

    /** {@code hoop_reviews_pending}: reviews waiting for a decision (read from the database at scrape time). */
    public GatewayMetrics reviewsPending(LongSupplier count) {
        return gauge("hoop_reviews_pending", "Reviews waiting for an approver's decision, every org", count);
    }

    /** {@code hoop_webhook_outbox_pending}: webhook messages not delivered yet (read from the database at scrape time). */
    public GatewayMetrics webhookOutbox(LongSupplier count) {
        return gauge("hoop_webhook_outbox_pending", "Webhook messages in the outbox waiting for delivery or a retry, every org", count);
    }

    /**
     * A gauge read at scrape time. A supplier that fails (the database is down) leaves its sample
     * out of this scrape rather than failing the whole answer: the JVM and relay figures matter
     * most exactly then.
     */
    private GatewayMetrics gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            try {
                cb.call(value.getAsLong());
            } catch (RuntimeException e) {
                log.debug("metrics: {} left out of this scrape: {}", name, e.toString());
            }
        }).register(registry);
        return this;
    }

    /** Writes every metric in the Prometheus text format. */
    public void scrape(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
