package dev.hoop.common.netty;

import dev.hoop.common.config.ConfigException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * Netty event loops for every component (gRPC transport and plain sockets alike). Channels must use
 * the classes {@link #socketChannel()} and {@link #serverSocketChannel()} name, which match the
 * groups {@link #newGroup} builds.
 *
 * <p>Sharing one group between a gRPC connection and the sockets it relays is what keeps a relayed
 * packet on one thread: a read on one channel becomes a write on the other without a hand-off.
 *
 * <p>The kernel interface is chosen once per process: the system property {@code
 * hoop.netty.transport} (or the variable {@code HOOP_NETTY_TRANSPORT}) names {@code io_uring},
 * {@code epoll} or {@code nio}; unset, io_uring where the kernel offers it (container runtimes
 * often forbid it), else epoll, else NIO. io_uring first because it halved the router's CPU per
 * proxied request and did no worse for the tunnel (docs/router.md, docs/performance.md). A
 * component checks the choice at start ({@link #transport()}) and stops with the reason when it is
 * wrong.
 */
public final class EventLoops {
    private EventLoops() {}

    public static final String PROPERTY = "hoop.netty.transport";
    public static final String VARIABLE = "HOOP_NETTY_TRANSPORT";

    /** A kernel interface for sockets, with the Netty classes that use it. */
    public enum Transport {
        IO_URING("io_uring"),
        EPOLL("epoll"),
        NIO("nio");

        private final String label;

        Transport(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Null when this kernel or sandbox offers it; otherwise why not. */
        public Throwable unavailability() {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
                case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
                case NIO -> null;
            };
        }

        /** A group of daemon event-loop threads named {@code name-0}, {@code name-1}... */
        public EventLoopGroup newGroup(int threads, String name) {
            ThreadFactory threadFactory = Thread.ofPlatform().name(name + "-", 0).daemon(true).factory();
            return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory());
        }

        private IoHandlerFactory ioHandlerFactory() {
            return switch (this) {
                case IO_URING -> IoUringIoHandler.newFactory();
                case EPOLL -> EpollIoHandler.newFactory();
                case NIO -> NioIoHandler.newFactory();
            };
        }

        public Class<? extends SocketChannel> socketChannel() {
            return switch (this) {
                case IO_URING -> IoUringSocketChannel.class;
                case EPOLL -> EpollSocketChannel.class;
                case NIO -> NioSocketChannel.class;
            };
        }

        public Class<? extends ServerSocketChannel> serverSocketChannel() {
            return switch (this) {
                case IO_URING -> IoUringServerSocketChannel.class;
                case EPOLL -> EpollServerSocketChannel.class;
                case NIO -> NioServerSocketChannel.class;
            };
        }

        static Transport named(String name) {
            String wanted = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Transport t : values()) {
                if (t.label.equals(wanted)) return t;
            }
            throw new ConfigException(VARIABLE + "/" + PROPERTY + ": unknown network transport '" + name
                    + "': use io_uring, epoll or nio (or leave it unset to pick one)");
        }
    }

    /** The order an unset choice tries. */
    static final Transport[] AUTO_ORDER = {Transport.IO_URING, Transport.EPOLL, Transport.NIO};

    /** Chosen at first use, so that a wrong name fails where the caller can report it (see {@link #transport()}). */
    private static volatile Transport chosen;

    static Transport choose(String requested) {
        if (requested == null || requested.isBlank()) {
            for (Transport t : AUTO_ORDER) {
                if (t.unavailability() == null) return t;
            }
            return Transport.NIO;
        }
        Transport wanted = Transport.named(requested);
        Throwable why = wanted.unavailability();
        if (why != null) {
            throw new ConfigException(VARIABLE + "/" + PROPERTY + ": network transport " + wanted.label
                    + " is not available here (" + why.getMessage() + "): leave it unset to use the best one available", why);
        }
        return wanted;
    }

    /**
     * The transport every group and channel of this process uses.
     *
     * @throws ConfigException when {@value #VARIABLE} or {@value #PROPERTY} names one that does not
     *                         exist or that this kernel does not offer
     */
    public static Transport transport() {
        Transport t = chosen;
        if (t == null) {
            t = choose(System.getProperty(PROPERTY, System.getenv().getOrDefault(VARIABLE, "")));
            chosen = t;
        }
        return t;
    }

    /** A group of daemon event-loop threads named {@code name-0}, {@code name-1}... on this process's transport. */
    public static EventLoopGroup newGroup(int threads, String name) {
        return transport().newGroup(threads, name);
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return transport().socketChannel();
    }

    public static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return transport().serverSocketChannel();
    }
}
