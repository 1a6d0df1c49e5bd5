package dev.hoop.router.driver;

import dev.hoop.common.netty.EventLoops;
import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.ConnectionEvents;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.BootstrapConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import reactor.core.publisher.Mono;

/**
 * A Lettuce client whose connection lives on one of the router's event loops, configured per
 * client: {@code ClientResources} with the loop ({@link PinnedEventLoop}) and a DNS resolver of the
 * loop's transport, and a channel of that transport (a channel of another transport cannot
 * register on the loop). Lettuce itself picks one transport per process from its system
 * properties, at its first use; nothing here reads or sets them, so it holds whatever other Lettuce
 * client the process opened first.
 */
final class LoopChannels {
    private LoopChannels() {}

    /** {@code shared}'s timers and threads, with connections on {@code loop} (from {@link EventLoops#newGroup}). */
    static ClientResources resources(ClientResources shared, EventLoop loop) {
        EventLoops.Transport transport = EventLoops.transport();
        return shared.mutate()
                .eventLoopGroupProvider(new PinnedEventLoop(loop))
                .addressResolverGroup(new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                        .datagramChannelType(datagram(transport)).socketChannelType(transport.socketChannel())))
                .build();
    }

    /** A client on {@code loop}; {@code resources} come from {@link #resources}. */
    static RedisClient client(ClientResources resources, RedisURI uri, EventLoop loop) {
        return new OnLoop(resources, uri, loop, EventLoops.transport().socketChannel());
    }

    private static Class<? extends DatagramChannel> datagram(EventLoops.Transport transport) {
        return switch (transport) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /** Lettuce's client with its one transport-dependent step, the bootstrap's group and channel, made the loop's. */
    private static final class OnLoop extends RedisClient {
        private final EventLoop loop;
        private final Class<? extends SocketChannel> channel;

        OnLoop(ClientResources resources, RedisURI uri, EventLoop loop, Class<? extends SocketChannel> channel) {
            super(resources, uri);
            this.loop = loop;
            this.channel = channel;
        }

        /**
         * Lettuce sets its bootstrap's channel class from its process-wide choice, and a bootstrap's channel cannot be
         * set twice: the bootstrap is rebuilt on the loop with the loop's channel, keeping Lettuce's options and resolver.
         */
        @Override
        @SuppressWarnings("unchecked")
        protected void connectionBuilder(Mono<SocketAddress> address, ConnectionBuilder builder, ConnectionEvents events,
                                         RedisURI uri) {
            super.connectionBuilder(address, builder, events, uri);
            BootstrapConfig lettuce = builder.bootstrap().config();
            Bootstrap ours = new Bootstrap().group(loop).channel(channel).resolver(lettuce.resolver());
            lettuce.options().forEach((option, value) -> ours.option((ChannelOption<Object>) option, value));
            lettuce.attrs().forEach((key, value) -> ours.attr((AttributeKey<Object>) key, value));
            builder.bootstrap(ours);
        }
    }
}
