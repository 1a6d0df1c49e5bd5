package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.netty.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Above the watermark a real listener stops accepting; below 90 % of it, it accepts again. */
class AcceptGateTest {
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void listenersPauseAboveTheWatermarkAndResumeBelowIt() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1, "gate-test");
        try {
            Channel listener = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                    .childHandler(new ChannelInboundHandlerAdapter()).bind("127.0.0.1", 0).sync().channel();
            AtomicReference<Double> heap = new AtomicReference<>(0.5);
            new AcceptGate(0.8, List.of(listener), group, heap::get);
            heap.set(0.95);
            await(() -> !listener.config().isAutoRead(), "stopped accepting above the watermark");
            heap.set(0.75); // below the mark but above 90 % of it: stays paused (no flapping)
            long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until) {
                assertThat(listener.config().isAutoRead()).isFalse();
            }
            heap.set(0.5);
            await(() -> listener.config().isAutoRead(), "accepting again below the watermark");
            listener.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }
}
