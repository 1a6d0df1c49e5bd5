package dev.hoop.gateway.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The audit log's figures: how long its writes take (a slow disk holds packets back, since a
 * packet is forwarded only once its events are written) and how much waits for the writer.
 */
public final class AuditMetrics {
    /** From 50 µs (a write into the page cache) to 2.5 s (a disk that stalls). */
    private static final double[] WRITE_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5};

    private final PrometheusRegistry registry;
    private final DistributionDataPoint walWrite;
    private final DistributionDataPoint flush;

    AuditMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        walWrite = Histogram.builder().name("hoop_audit_write_seconds")
                .help("Time of one write of queued audit events to a session's write-ahead file (events that fit the mapped window are copied without a write)")
                .classicOnly().classicUpperBounds(WRITE_BUCKETS).withoutExemplars().register(registry);
        flush = Histogram.builder().name("hoop_audit_flush_seconds")
                .help("Time to store an ended session's write-ahead file in the database")
                .classicOnly().withoutExemplars().register(registry);
    }

    /** An audit log for other tests: its figures go to a registry nobody reads. */
    public static AuditMetrics detached() {
        return new AuditMetrics(new PrometheusRegistry());
    }

    public void walWrite(long nanos) {
        walWrite.observe(nanos / 1e9);
    }

    public void flushed(long nanos) {
        flush.observe(nanos / 1e9);
    }

    /** {@code hoop_audit_wal_backlog_events} and {@code _bytes}: what waits for the writer right now. */
    public void backlog(LongSupplier events, LongSupplier bytes) {
        GaugeWithCallback.builder().name("hoop_audit_wal_backlog_events")
                .help("Audit events queued for the write-ahead writer (they did not fit the mapped window)")
                .callback(cb -> cb.call(events.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("hoop_audit_wal_backlog_bytes")
                .help("Bytes of the audit events queued for the write-ahead writer")
                .callback(cb -> cb.call(bytes.getAsLong())).register(registry);
    }
}
