package dev.hoop.agent;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The agent's Netty event loops, shared by every handler that reaches a resource over TCP
 * (tcp, postgres): native epoll when available, NIO otherwise. A channel must use the class
 * {@link #socketChannel()} names, which matches the group {@link #newGroup(int)} builds.
 */
public final class AgentEventLoops {
    private AgentEventLoops() {}

    public static EventLoopGroup newGroup(int threads) {
        ThreadFactory threadFactory = Thread.ofPlatform().name("agent-io-", 0).daemon(true).factory();
        return Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
