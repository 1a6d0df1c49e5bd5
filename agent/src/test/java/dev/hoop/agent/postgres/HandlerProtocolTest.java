package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The handler driven with raw protocol bytes, for the startup cases no installed client produces on demand. */
class HandlerProtocolTest {
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

    private static final class RecordingSink implements ClientSink {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public synchronized CompletionStage<Void> write(byte[] chunk) {
            received.writeBytes(chunk);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(String reason) {
            closed.complete(reason == null ? "" : reason);
        }

        synchronized byte[] bytes() {
            return received.toByteArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryptionRequests")
    void encryptionRequestsAreRefusedWithN(String name, byte[] request) throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        handler.write(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
        handler.write(new StartupPacket.GssEncRequest().encode()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(sink.bytes()).containsExactly('N', 'N');
        handler.close();
    }

    static Stream<Arguments> encryptionRequests() {
        return Stream.of(Arguments.of("SSLRequest", new StartupPacket.SslRequest().encode()),
                Arguments.of("GSSENCRequest", new StartupPacket.GssEncRequest().encode()));
    }

    static Stream<Arguments> badStartups() {
        return Stream.of(
                Arguments.of("protocol 2", new byte[] {0, 0, 0, 9, 0, 2, 0, 0, 0},
                        "invalid frontend message: unsupported frontend protocol 2.0 (expected: 3.0, PostgreSQL 7.4 or later)"),
                Arguments.of("huge length", new byte[] {0x7f, 0, 0, 0, 0, 3, 0, 0},
                        "invalid frontend message: startup packet length 2130706432 (expected: 8 to 10000)"));
    }

    @ParameterizedTest(name = "replication={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"database", "true"})
    void replicationConnectionsAreRefused(String value) throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        handler.write(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0,
                java.util.Map.of("user", "x", "replication", value)).encode()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String message = "replication connections are not allowed through hoop (replication=" + value + ")";
        assertThat(sink.closed.get(10, TimeUnit.SECONDS)).isEqualTo(message);
        assertThat(sink.bytes()).isEqualTo(ErrorResponse.fatal("28000", message, null).encode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStartups")
    void badStartupPacketsGetAFatalError(String name, byte[] packet, String message) throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        handler.write(packet).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(sink.closed.get(10, TimeUnit.SECONDS)).isEqualTo(message);
        assertThat(sink.bytes()).isEqualTo(ErrorResponse.fatal("08P01", message, null).encode());
    }

    @Test
    void startupSplitIntoSingleBytesStillAuthenticates() throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        byte[] startup = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, java.util.Map.of("user", "nobody")).encode();
        for (int i = 0; i < startup.length; i++) {
            handler.write(Arrays.copyOfRange(startup, i, i + 1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        awaitBytes(sink, b -> b.length >= 9 && b[0] == 'R' && b[b.length - 6] == 'Z');
        assertThat(Arrays.copyOf(sink.bytes(), 9)).isEqualTo(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0});
        handler.close();
    }

    static Stream<Arguments> unfinishedStartups() {
        byte[] startup = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, java.util.Map.of("user", "x")).encode();
        return Stream.of(
                Arguments.of("nothing sent", new byte[0], new byte[0]),
                Arguments.of("half a StartupMessage", Arrays.copyOf(startup, startup.length / 2), new byte[0]),
                Arguments.of("only an SSLRequest", new StartupPacket.SslRequest().encode(), new byte[] {'N'}));
    }

    /** A client that never finishes its startup is dropped with a FATAL saying why, and nothing else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unfinishedStartups")
    void anUnfinishedStartupIsDroppedAfterTheTimeout(String name, byte[] sent, byte[] answeredBefore) throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group, Duration.ofMillis(300)).open(server.params(), sink);
        handler.write(sent).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String message = "the connection did not finish its startup (StartupMessage and authentication) within 300 ms;"
                + " hoop closed it";
        assertThat(sink.closed.get(10, TimeUnit.SECONDS)).isEqualTo(message);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(answeredBefore);
        expected.writeBytes(ErrorResponse.fatal("08P01", message,
                "Connect again; check that your client sends its startup message at once.").encode());
        assertThat(sink.bytes()).isEqualTo(expected.toByteArray());
    }

    @Test
    void theStartupTimeoutDoesNotTouchAConnectionThatFinishedItsStartup() throws Exception {
        RecordingSink sink = new RecordingSink();
        Duration timeout = Duration.ofMillis(200);
        ConnectionHandler handler = new PostgresHandlers(group, timeout).open(server.params(), sink);
        handler.write(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, java.util.Map.of("user", "x")).encode())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitBytes(sink, b -> b.length >= 6 && b[b.length - 6] == 'Z');
        // Every event loop runs this after the timer would have fired on it.
        for (var loop : group) {
            loop.schedule(() -> { }, timeout.toMillis() * 2, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        }
        int before = sink.bytes().length;
        handler.write(dev.hoop.common.pgwire.FrontendMessages.query("select 42")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitBytes(sink, b -> b.length > before && b[b.length - 6] == 'Z');
        assertThat(new String(sink.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("42");
        assertThat(sink.closed).isNotDone();
        handler.close();
    }

    @Test
    void closingTheHandlerEndsTheServerSession() throws Exception {
        RecordingSink sink = new RecordingSink();
        ConnectionHandler handler = new PostgresHandlers(group).open(server.params(), sink);
        handler.write(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0,
                java.util.Map.of("user", "x", "application_name", "pgwire-close-test")).encode()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        awaitBackends("pgwire-close-test", 1);
        handler.close();
        handler.close(); // idempotent
        awaitBackends("pgwire-close-test", 0);
    }

    private static void awaitBytes(RecordingSink sink, java.util.function.Predicate<byte[]> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.test(sink.bytes())) {
            assertThat(System.nanoTime()).as("bytes within 10 s").isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private static void awaitBackends(String applicationName, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = server.direct();
             PreparedStatement ps = c.prepareStatement("select count(*) from pg_stat_activity where application_name = ?")) {
            ps.setString(1, applicationName);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == expected) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("%d backends within 10 s", expected).isLessThan(deadline);
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }
}
