package dev.hoop.agent.postgres;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Objects;

/**
 * The agent's handler factory for postgres connections: each client connection (a psql socket on
 * the user's machine) gets its own {@link PostgresSession} with its own connection to the real
 * server, authenticated with the credentials stored in the connection, which never reach the
 * client. Uses the native epoll transport when the agent's event loop group is epoll-based.
 */
public final class PostgresHandlers implements ConnectionHandlerFactory {
    /** A connect attempt to the database server gives up after this long. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoopGroup group;
    private final Bootstrap template;

    public PostgresHandlers(EventLoopGroup group) {
        this.group = Objects.requireNonNull(group, "group");
        this.template = new Bootstrap()
                .channel(socketChannelFor(group))
                // Backpressure: the server channel reads only when the client took the previous chunk,
                // and each read() delivers at most one buffer.
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    /**
     * The socket channel type matching the group's transport. The epoll classes are a runtime
     * dependency of the agent (native, Linux only), so they are looked up by name.
     */
    @SuppressWarnings("unchecked")
    static Class<? extends SocketChannel> socketChannelFor(EventLoopGroup group) {
        try {
            Class<? extends IoHandler> epoll = (Class<? extends IoHandler>) Class.forName("io.netty.channel.epoll.EpollIoHandler");
            if (group instanceof IoEventLoopGroup io && io.isIoType(epoll)) {
                return (Class<? extends SocketChannel>) Class.forName("io.netty.channel.epoll.EpollSocketChannel");
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // No epoll on this platform: the group is NIO then.
        }
        return NioSocketChannel.class;
    }

    @Override
    public ConnectionHandler open(ConnectionParams params, ClientSink toClient) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(toClient, "toClient");
        PostgresTarget target = null;
        String configError = null;
        try {
            target = PostgresTarget.from(params);
        } catch (IllegalArgumentException e) {
            // Reported to psql as an ErrorResponse once it sends its startup message.
            configError = e.getMessage();
        }
        EventLoop loop = group.next();
        return new PostgresSession(loop, template, toClient, target, configError, params.name());
    }
}
