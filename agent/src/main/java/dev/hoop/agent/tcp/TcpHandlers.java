package dev.hoop.agent.tcp;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;

/**
 * TCP connections: each client connection of a {@code tcp} session becomes one TCP connection
 * from the agent to the connection's {@code HOST}:{@code PORT}, relaying raw bytes both ways with
 * backpressure. The connection is made as soon as the client connection's first packet arrives,
 * even an empty one, so that a server that speaks first reaches the client before it sends a byte.
 */
public final class TcpHandlers implements ConnectionHandlerFactory {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private final Bootstrap bootstrap;

    /** @param group an event loop group from {@link EventLoops#newGroup} */
    public TcpHandlers(EventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannel())
                // Read only when the client took the previous chunk (read-after-write).
                .option(ChannelOption.AUTO_READ, false)
                // One buffer per read(): a read may otherwise deliver up to 16 before the client took the first.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    /** @throws IllegalArgumentException when HOST or PORT is missing or wrong */
    @Override
    public ConnectionHandler open(ConnectionParams params, ClientSink toClient) {
        TcpAddress address = TcpAddress.of(params);
        return new TcpConnection(bootstrap.clone(), address, toClient);
    }
}
