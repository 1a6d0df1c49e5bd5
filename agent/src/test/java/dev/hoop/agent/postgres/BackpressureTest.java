package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A slow client: the handler must not send the next chunk before the previous write completed,
 * so a large result never piles up in the agent.
 */
class BackpressureTest {
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

    /** A sink whose writes complete only when the test says so, counting overlapping writes. */
    static final class ManualSink implements ClientSink {
        final BlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public synchronized CompletionStage<Void> write(byte[] chunk) {
            received.writeBytes(chunk);
            maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public void close(String reason) {
            closed.complete(reason == null ? "" : reason);
        }

        synchronized int countReadyForQuery() {
            // Counts ReadyForQuery messages by walking the message framing of what was received.
            byte[] b = received.toByteArray();
            int count = 0;
            int p = 0;
            while (p + 5 <= b.length) {
                int length = (b[p + 1] & 0xff) << 24 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 8 | (b[p + 4] & 0xff);
                if (p + 1 + length > b.length) {
                    break;
                }
                if (b[p] == 'Z') {
                    count++;
                }
                p += 1 + length;
            }
            return count;
        }
    }

    @Test
    void largeResultFlowsOneChunkAtATime() throws Exception {
        ManualSink sink = new ManualSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        handler.write(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "x")).encode())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        handler.write(FrontendMessages.query("select repeat('x', 1000) from generate_series(1, 20000)"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int chunks = 0;
        while (sink.countReadyForQuery() < 2) {
            CompletableFuture<Void> next = sink.pending.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(next).as("a write within the deadline").isNotNull();
            sink.outstanding.decrementAndGet();
            next.complete(null);
            chunks++;
        }
        // 20 MB of rows arrived, and never more than one write was waiting for the client.
        assertThat(sink.received.size()).isGreaterThan(20_000_000);
        assertThat(sink.maxOutstanding.get()).isEqualTo(1);
        // in chunks of at most one read each
        assertThat(chunks).isGreaterThanOrEqualTo(20_000_000 / PostgresHandlers.MAX_READ_BYTES);
        handler.write(FrontendMessages.terminate()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The client connection ends only after what was sent to it went out.
        assertThat(sink.closed).isNotDone();
        sink.pending.forEach(f -> f.complete(null));
        assertThat(sink.closed.get(10, TimeUnit.SECONDS)).isEmpty();
        handler.close();
    }
}
