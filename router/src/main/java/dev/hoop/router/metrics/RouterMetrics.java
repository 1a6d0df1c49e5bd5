package dev.hoop.router.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's counters, rendered in Prometheus' text format: requests by status and frontend,
 * a backend latency histogram, dead marks by frontend, route store errors. Lock-free adders,
 * cheap enough for every request on every event loop.
 */
public final class RouterMetrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private record Key(int status, String frontend) {}

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deadMarks = new ConcurrentHashMap<>();
    private final LongAdder storeErrors = new LongAdder();
    private final LongAdder[] latency = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder latencySum = new java.util.concurrent.atomic.DoubleAdder();

    public RouterMetrics() {
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new LongAdder();
        }
    }

    /** @param backendSeconds time to the backend's response head, negative when no backend answered */
    public void request(int status, String frontend, double backendSeconds) {
        requests.computeIfAbsent(new Key(status, frontend), k -> new LongAdder()).increment();
        if (backendSeconds >= 0) {
            int i = 0;
            while (i < BUCKETS.length && backendSeconds > BUCKETS[i]) {
                i++;
            }
            latency[i].increment();
            latencyCount.increment();
            latencySum.add(backendSeconds);
        }
    }

    public void deadMark(String frontend) {
        deadMarks.computeIfAbsent(frontend, k -> new LongAdder()).increment();
    }

    public void storeError() {
        storeErrors.increment();
    }

    public long requests(int status) {
        return requests.entrySet().stream().filter(e -> e.getKey().status() == status)
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    public String render() {
        StringBuilder b = new StringBuilder(1024);
        b.append("# HELP router_requests_total Requests answered, by status and frontend identifier.\n")
                .append("# TYPE router_requests_total counter\n");
        requests.forEach((k, v) -> b.append("router_requests_total{status=\"").append(k.status())
                .append("\",frontend=\"").append(escape(k.frontend())).append("\"} ").append(v.sum()).append('\n'));
        b.append("# HELP router_backend_latency_seconds Time from sending a request to a backend to its response head.\n")
                .append("# TYPE router_backend_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += latency[i].sum();
            b.append("router_backend_latency_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += latency[BUCKETS.length].sum();
        b.append("router_backend_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
                .append("router_backend_latency_seconds_sum ").append(latencySum.sum()).append('\n')
                .append("router_backend_latency_seconds_count ").append(latencyCount.sum()).append('\n');
        b.append("# HELP router_dead_marks_total Backends marked dead, by frontend identifier.\n")
                .append("# TYPE router_dead_marks_total counter\n");
        deadMarks.forEach((k, v) -> b.append("router_dead_marks_total{frontend=\"").append(escape(k)).append("\"} ")
                .append(v.sum()).append('\n'));
        b.append("# HELP router_store_errors_total Route store (Redis) calls that failed.\n")
                .append("# TYPE router_store_errors_total counter\n")
                .append("router_store_errors_total ").append(storeErrors.sum()).append('\n');
        return b.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
