package dev.hoop.client.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalListenerTest {
    @Test
    void realSocketsAreMultiplexedAndAnsweredByConnectionId() throws Exception {
        RecordingStream stream = new RecordingStream();
        LocalSockets sockets = new LocalSockets(ConnectionKind.POSTGRES, stream);
        try (LocalListener listener = LocalListener.bind("127.0.0.1", 0, sockets);
                Socket a = new Socket("127.0.0.1", listener.address().getPort())) {
            a.getOutputStream().write("from-a".getBytes(StandardCharsets.UTF_8));
            Packet pa = stream.sent.poll(10, TimeUnit.SECONDS);
            assertThat(pa).isNotNull();
            assertThat(pa.getType()).isEqualTo(AgentPacket.PG_CONNECTION_WRITE);
            assertThat(Wire.spec(pa, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("1");
            assertThat(pa.getPayload().toStringUtf8()).isEqualTo("from-a");

            try (Socket b = new Socket("127.0.0.1", listener.address().getPort())) {
                b.getOutputStream().write("from-b".getBytes(StandardCharsets.UTF_8));
                Packet pb = stream.sent.poll(10, TimeUnit.SECONDS);
                assertThat(Wire.spec(pb, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("2");

                sockets.onPacket(Wire.packet(ClientPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "2"),
                        "to-b".getBytes(StandardCharsets.UTF_8)));
                b.setSoTimeout(10_000);
                assertThat(new String(b.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("to-b");
            }
            Packet closed = stream.sent.poll(10, TimeUnit.SECONDS);
            assertThat(closed.getType()).isEqualTo(AgentPacket.CLOSE_TCP_CONNECTION);
            assertThat(Wire.spec(closed, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("2");

            sockets.onPacket(Wire.packet(ClientPacket.TCP_CONNECTION_CLOSE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), null));
            a.setSoTimeout(10_000);
            InputStream in = a.getInputStream();
            assertThat(in.read()).as("end of stream after the agent closed it").isEqualTo(-1);
        }
    }

    @Test
    void aTakenPortSaysWhatToDo() throws Exception {
        RecordingStream stream = new RecordingStream();
        try (LocalListener first = LocalListener.bind("127.0.0.1", 0, new LocalSockets(ConnectionKind.TCP, stream))) {
            int port = first.address().getPort();
            assertThatThrownBy(() -> LocalListener.bind("127.0.0.1", port, new LocalSockets(ConnectionKind.TCP, stream)))
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + " (")
                    .hasMessageEndingWith("); choose another port with --port");
        }
    }
}
