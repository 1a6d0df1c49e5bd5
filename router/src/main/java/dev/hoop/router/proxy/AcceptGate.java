package dev.hoop.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory bound: above {@code server.heapWatermark} of the max heap (measured as what the
 * last collections left, so garbage does not count) the listeners stop accepting; connections
 * already in flight finish; below it they accept again. Hipache restarted its worker instead.
 */
final class AcceptGate {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptGate.class);

    private final double watermark;
    private final List<Channel> listeners;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    private final DoubleSupplier heap;
    private boolean closed;

    AcceptGate(double watermark, List<Channel> listeners, EventLoopGroup timer) {
        this(watermark, listeners, timer, null);
    }

    /** @param heap heap use as a fraction of max; null measures the real heap */
    AcceptGate(double watermark, List<Channel> listeners, EventLoopGroup timer, DoubleSupplier heap) {
        this.watermark = watermark;
        this.listeners = listeners;
        this.heap = heap == null ? this::heapUse : heap;
        timer.next().scheduleAtFixedRate(this::check, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Live heap after the last collections, as a fraction of the max heap. */
    double heapUse() {
        long max = Runtime.getRuntime().maxMemory();
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage after = pool.getCollectionUsage();
            used += after == null ? pool.getUsage().getUsed() : after.getUsed();
        }
        return max <= 0 ? 0 : (double) used / max;
    }

    private void check() {
        try {
            double use = heap.getAsDouble();
            if (!closed && use > watermark) {
                closed = true;
                listeners.forEach(ch -> ch.config().setAutoRead(false));
                LOG.warn("heap at {}% of max (server.heapWatermark {}%): not accepting new connections until it drops",
                        Math.round(use * 100), Math.round(watermark * 100));
            } else if (closed && use < watermark * 0.9) {
                closed = false;
                listeners.forEach(ch -> ch.config().setAutoRead(true));
                LOG.info("heap at {}% of max: accepting new connections again", Math.round(use * 100));
            }
        } catch (RuntimeException e) {
            LOG.error("heap watermark check failed: {}", e.toString());
        }
    }
}
