package dev.hoop.router.proxy;

import dev.hoop.router.log.AccessLog;
import dev.hoop.router.metrics.RouterMetrics;

/** Where finished exchanges go: the request metrics and, when enabled, the access log line. */
final class ExchangeLog {
    private final RouterMetrics metrics;
    private final AccessLog accessLog;

    ExchangeLog(RouterMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    void record(ExchangeResult r) {
        metrics.request(r.status(), r.identifier(), r.backendSeconds());
        if (accessLog.enabled()) {
            // The line shows 0 for the backend time when no backend answered, as Hipache's does.
            accessLog.log(AccessLog.Entry.of(r.remote(), r.request(), r.clientVersion(), r.status(), r.bytesOut(),
                    r.identifier(), r.totalSeconds(), Math.max(0, r.backendSeconds())));
        }
    }
}
