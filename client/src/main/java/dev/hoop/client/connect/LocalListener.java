package dev.hoop.client.connect;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * The local end of {@code hoop connect}: listens on 127.0.0.1 (port 5433 for postgres, 8999 for
 * tcp, 8081 for http, or the one given) and hands each accepted socket to {@link LocalSockets}.
 * One event-loop thread is plenty for a person's local clients; epoll when the platform has it.
 */
public final class LocalListener implements AutoCloseable {
    /** Per-socket outbound buffer bounds: above the high mark the next gateway packet waits. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final EventLoopGroup group;
    private final Channel server;

    private LocalListener(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Binds {@code host:port} (port 0: any free port). */
    public static LocalListener bind(String host, int port, LocalSockets sockets) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(type)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(sockets.accept());
                        }
                    })
                    .bind(host, port).sync().channel();
            return new LocalListener(group, server);
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) {
            // NIO throws BindException, epoll its own IOException ("bind(..) failed ... Address already in use").
            group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another port with --port", e);
        }
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
