package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The masking stage keeps the relay's backpressure: one read, one write, the next read only after it went out. */
class MaskingBackpressureTest {
    private static SharedServer server;
    private static EventLoopGroup group;

    @BeforeAll
    static void start() throws Exception {
        server = new SharedServer();
        group = SharedServer.eventLoops();
    }

    @AfterAll
    static void stop() throws Exception {
        group.shutdownGracefully().syncUninterruptibly();
        server.close();
    }

    @Test
    void aLargeMaskedResultFlowsOneChunkAtATime() throws Exception {
        BackpressureTest.ManualSink sink = new BackpressureTest.ManualSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink,
                SessionMasking.of("types=EMAIL_ADDRESS;format=TOKEN", null));
        handler.write(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "x")).encode())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        handler.write(FrontendMessages.query("select 'u' || g || '@example.com ' || repeat('x', 1000) from generate_series(1, 20000) g"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sink.countReadyForQuery() < 2) {
            CompletableFuture<Void> next = sink.pending.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(next).as("a write within the deadline").isNotNull();
            sink.outstanding.decrementAndGet();
            next.complete(null);
        }
        assertThat(sink.received.size()).isGreaterThan(20_000_000);
        assertThat(sink.maxOutstanding.get()).isEqualTo(1);
        String text = sink.received.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("@example.com");
        handler.close();
    }
}
