package dev.hoop.router.driver;

import dev.hoop.common.netty.EventLoops;
import io.lettuce.core.resource.Transports;

/**
 * Makes Lettuce open its channels with the transport of the router's event loops, so that its
 * connections can run on them (a channel of another transport cannot register on a loop). Lettuce
 * chooses its channel class once per process, when its {@code Transports} are first used, from its own
 * system properties: epoll unless {@code io.lettuce.core.epoll=false}, then io_uring unless
 * {@code io.lettuce.core.iouring=false}, then NIO; it offers no per-client setting. So the router's
 * Redis store must be the first Lettuce client of the process (it is: the router opens it first).
 */
final class LettuceTransport {
    static final String EPOLL = "io.lettuce.core.epoll";
    static final String IO_URING = "io.lettuce.core.iouring";

    private LettuceTransport() {}

    /**
     * Steers Lettuce to {@link EventLoops#transport()} (properties already set by the user are left
     * alone) and tells whether it took it: false when Lettuce had chosen before, or was told otherwise.
     */
    static boolean followEventLoops() {
        switch (EventLoops.transport()) {
            // Lettuce's own first choice; io_uring off too, or Lettuce warns at every use that it had both.
            case EPOLL -> setUnlessSet(IO_URING, "false");
            case IO_URING -> setUnlessSet(EPOLL, "false");
            case NIO -> {
                setUnlessSet(EPOLL, "false");
                setUnlessSet(IO_URING, "false");
            }
        }
        return Transports.socketChannelClass() == EventLoops.socketChannel();
    }

    private static void setUnlessSet(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    static String describe() {
        return Transports.socketChannelClass().getSimpleName();
    }
}
