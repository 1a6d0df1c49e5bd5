package dev.hoop.common.netty;

import io.netty.channel.EventLoopGroup;
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
import java.util.concurrent.ThreadFactory;

/**
 * Netty event loops for every component (gRPC transport and plain sockets alike): native epoll
 * when available, NIO otherwise. Channels must use the classes {@link #socketChannel()} and
 * {@link #serverSocketChannel()} name, which match the groups {@link #newGroup} builds.
 *
 * <p>Sharing one group between a gRPC connection and the sockets it relays is what keeps a relayed
 * packet on one thread: a read on one channel becomes a write on the other without a hand-off.
 */
public final class EventLoops {
    private EventLoops() {}

    /** A group of daemon event-loop threads named {@code name-0}, {@code name-1}... */
    public static EventLoopGroup newGroup(int threads, String name) {
        ThreadFactory threadFactory = Thread.ofPlatform().name(name + "-", 0).daemon(true).factory();
        return Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
