package dev.hoop.router.driver;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.socket.SocketChannel;

/**
 * Makes a Lettuce client open its channels with the transport of the router's event loops (a
 * channel of another transport cannot register on a loop). Lettuce picks its channel class once per
 * process from its own system properties; this customizer, given through the client's
 * {@code ClientResources}, replaces that choice on each connection's bootstrap after Lettuce set it
 * up, so it holds whatever other Lettuce client the process opened first and whatever those
 * properties say.
 */
final class LoopChannels implements NettyCustomizer {
    private final Class<? extends SocketChannel> channel;

    LoopChannels(Class<? extends SocketChannel> channel) {
        this.channel = channel;
    }

    @Override
    public void afterBootstrapInitialized(Bootstrap bootstrap) {
        bootstrap.channel(channel);
    }
}
