package dev.hoop.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientSessionsTest {
    @Test
    void execStreamsOutputAndReturnsTheRemoteExitCode() throws Exception {
        try (PeerGateway peer = new PeerGateway("command-line", 3)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            int code = new ExecSession(peer.channel, "tok", out, err, new PrintStream(messages, true))
                    .run("shell", "abc".getBytes(StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(3);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("cba");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("warn");
            Packet open = peer.received.getFirst();
            assertThat(open.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
            assertThat(open.getPayload().toStringUtf8()).isEqualTo("abc");
            assertThat(peer.violations).as("packets the gateway's allow-list would refuse").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionType.class, names = {"POSTGRES", "TCP"})
    void connectRelaysEachLocalSocketUnderItsOwnConnectionId(ConnectionType type) throws Exception {
        String write = type.inboundWrite().orElseThrow();
        try (PeerGateway peer = new PeerGateway(type.wireName(), 0)) {
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            ConnectSession session = new ConnectSession(peer.channel, peer.loops, "tok", new PrintStream(messages, true));
            CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
            Thread runner = Thread.ofVirtual().start(() -> {
                try {
                    session.run("pg", "127.0.0.1", 0, bound);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            InetSocketAddress address = bound.get(10, TimeUnit.SECONDS);
            assertThat(messages.toString(StandardCharsets.UTF_8)).contains("connection 'pg' (" + type.wireName() + ") ready on 127.0.0.1:" + address.getPort());

            try (Socket a = new Socket(address.getHostString(), address.getPort());
                 Socket b = new Socket(address.getHostString(), address.getPort())) {
                a.setSoTimeout(10_000);
                b.setSoTimeout(10_000);
                roundTrip(a, "hello");
                roundTrip(b, "world");
                roundTrip(a, "again");
            }
            awaitPackets(peer, AgentPacket.CLOSE_TCP_CONNECTION, 2);
            assertThat(peer.received.stream().filter(p -> p.getType().equals(write) && !p.getPayload().isEmpty())
                    .map(p -> Wire.spec(p, SpecKey.CLIENT_CONNECTION_ID) + ":" + p.getPayload().toStringUtf8()))
                    .containsExactlyInAnyOrder("1:hello", "2:world", "1:again");
            assertThat(peer.violations).as("packets the gateway's allow-list would refuse").isEmpty();
            runner.interrupt();
        }
    }

    private static void roundTrip(Socket s, String text) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] reply = in.readNBytes(text.length());
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo(text.toUpperCase());
    }

    private static void awaitPackets(PeerGateway peer, String type, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (peer.received.stream().filter(p -> p.getType().equals(type)).count() < count) {
            assertThat(System.nanoTime()).as(count + " " + type + " in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
