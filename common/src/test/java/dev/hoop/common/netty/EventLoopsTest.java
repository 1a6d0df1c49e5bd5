package dev.hoop.common.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hoop.common.config.ConfigException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventLoopsTest {

    @Test
    void unsetPicksTheFirstTheKernelOffersOfIoUringEpollNio() {
        EventLoops.Transport expected = java.util.Arrays.stream(EventLoops.AUTO_ORDER)
                .filter(t -> t.unavailability() == null).findFirst().orElseThrow();
        assertEquals(EventLoops.Transport.IO_URING, EventLoops.AUTO_ORDER[0]);
        assertEquals(expected, EventLoops.choose(""));
        assertEquals(expected, EventLoops.choose(null));
    }

    @Test
    void namesAreCaseAndDashInsensitive() {
        assertEquals(EventLoops.Transport.NIO, EventLoops.choose("NIO"));
        assertEquals("io_uring", EventLoops.Transport.named("io-uring").label());
    }

    @Test
    void anUnknownNameSaysWhichOnesExist() {
        ConfigException e = assertThrows(ConfigException.class, () -> EventLoops.choose("kqueue"));
        assertTrue(e.getMessage().startsWith("HOOP_NETTY_TRANSPORT/hoop.netty.transport: "), e.getMessage());
        assertTrue(e.getMessage().contains("'kqueue'"), e.getMessage());
        assertTrue(e.getMessage().contains("io_uring, epoll or nio"), e.getMessage());
    }

    /** Each transport this kernel offers carries bytes both ways between its own client and server channels. */
    @ParameterizedTest
    @EnumSource(EventLoops.Transport.class)
    void eachAvailableTransportEchoesOverLoopback(EventLoops.Transport transport) throws Exception {
        assumeTrue(transport.unavailability() == null, () -> transport.label() + " is not offered here: " + transport.unavailability());
        EventLoopGroup group = transport.newGroup(1, "test-loop");
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(transport.socketChannel())
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            echoed.complete(buf.toString(StandardCharsets.US_ASCII));
                            buf.release();
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            assertEquals("ping", echoed.get(5, TimeUnit.SECONDS));
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
