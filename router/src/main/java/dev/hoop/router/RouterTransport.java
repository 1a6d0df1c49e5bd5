package dev.hoop.router;

import dev.hoop.common.netty.EventLoops;
import io.netty.channel.uring.IoUring;

/**
 * The router's kernel interface for sockets: io_uring where the kernel offers it, unless
 * {@code hoop.netty.transport} or {@code HOOP_NETTY_TRANSPORT} names one (then that, as for every
 * component). On the 2-core benchmark machine the router's event loop spent 25 µs of CPU per
 * proxied request with io_uring against 35 µs with epoll, most of the difference in the kernel
 * (docs/router.md, Benchmark).
 */
final class RouterTransport {
    private RouterTransport() {}

    /**
     * Asks for io_uring when nothing was asked for. Must run before the first event loop is built:
     * {@link EventLoops} reads its setting once ({@link EventLoops#PROPERTY} is a constant, so naming
     * it here does not load that class).
     */
    static void ioUringUnlessAsked() {
        String wanted = defaultFor(System.getProperty(EventLoops.PROPERTY), System.getenv("HOOP_NETTY_TRANSPORT"),
                IoUring.isAvailable());
        if (wanted != null) {
            System.setProperty(EventLoops.PROPERTY, wanted);
        }
    }

    /** The transport to ask for, or null to leave the choice as it is (asked for, or io_uring missing). */
    static String defaultFor(String property, String env, boolean ioUringAvailable) {
        boolean asked = (property != null && !property.isBlank()) || (env != null && !env.isBlank());
        return asked || !ioUringAvailable ? null : "io_uring";
    }
}
