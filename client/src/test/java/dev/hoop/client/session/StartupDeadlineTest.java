package dev.hoop.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A local PostgreSQL client of {@code hoop connect} must finish its startup within the limit
 * (PostgreSQL's {@code authentication_timeout}, 60 s): what it sends passes through unchanged,
 * and a socket still without a complete StartupMessage or CancelRequest when time is up is closed.
 */
class StartupDeadlineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static byte[] startup() {
        byte[] params = "user\0alice\0database\0app\0\0".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params).array();
    }

    static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
    }

    static byte[] cancel() {
        return ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(42).putInt(7).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Stream.of(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** name, the reads (each one channelRead), whether the socket stays open after the limit */
    static Stream<Arguments> cases() {
        byte[] s = startup();
        return Stream.of(
                Arguments.of("nothing sent", List.of(), false),
                Arguments.of("half a length", List.of(new byte[] {0, 0}), false),
                Arguments.of("a partial startup message", List.of(java.util.Arrays.copyOf(s, s.length - 1)), false),
                Arguments.of("only an SSLRequest", List.of(sslRequest()), false),
                Arguments.of("a length announcing more than arrives", List.of(ByteBuffer.allocate(8).putInt(9000).putInt(196608).array()), false),
                Arguments.of("a complete startup message", List.of(s), true),
                Arguments.of("a startup message byte by byte", splitEach(s), true),
                Arguments.of("SSLRequest, then the startup message", List.of(sslRequest(), s), true),
                Arguments.of("SSLRequest and startup message in one read", List.of(concat(sslRequest(), s)), true),
                Arguments.of("a CancelRequest", List.of(cancel()), true));
    }

    private static List<byte[]> splitEach(byte[] bytes) {
        List<byte[]> out = new java.util.ArrayList<>();
        for (byte b : bytes) {
            out.add(new byte[] {b});
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aClientWithoutACompleteStartupIsDroppedAtTheLimit(String name, List<byte[]> reads, boolean staysOpen) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // the limit counts from here, in the channel's own time only
        ch.pipeline().addLast(new StartupDeadline(LIMIT));
        for (byte[] r : reads) {
            ch.writeInbound(Unpooled.wrappedBuffer(r));
        }
        // every byte passes through unchanged and in order
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readInbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(all)).isEqualTo(concat(reads.toArray(byte[][]::new)));
        all.release();

        ch.advanceTimeBy(LIMIT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("open just before the limit").isTrue();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("open after the limit").isEqualTo(staysOpen);
        if (staysOpen) {
            assertThat(ch.pipeline().get(StartupDeadline.class)).as("the handler removed itself").isNull();
        }
        assertThat((Object) ch.readOutbound()).as("nothing written to the client").isNull();
        ch.finishAndReleaseAll();
    }
}
