package dev.hoop.common.netty;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detector, off in the shipped program. At its default level it samples buffer
 * allocations and fills in a stack trace for each sample: about 15 % of the gateway's CPU when
 * relaying pgbench traffic (docs/performance.md), ~7,000 traces per 15 s in the router benchmark
 * (docs/router.md). Tests keep it; {@code -Dio.netty.leakDetection.level=simple} (through
 * {@code HOOP_JAVA_OPTS}) turns it back on.
 */
public final class LeakDetection {
    private LeakDetection() {}

    /** Turns the detector off unless a level was asked for on the command line. */
    public static void offUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
