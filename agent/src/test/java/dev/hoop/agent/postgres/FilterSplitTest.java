package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The proxy's two filters give the same output whatever the chunk boundaries: a refused
 * statement's SQL is relayed with its terminating NUL (and the rest of its message) turned into
 * spaces, and the server's "invalid string in message" for it becomes the refusal.
 */
class FilterSplitTest {

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static final class Startups implements ClientFilter.Session {
        final List<StartupPacket> packets = new ArrayList<>();

        @Override
        public void startupPacket(StartupPacket packet) {
            packets.add(packet);
        }

        @Override
        public void malformed(String reason) {
            throw new AssertionError(reason);
        }
    }

    /** {@code message} with every byte from its SQL's NUL on (the {@code nulIndex}-th NUL of the body) made a space. */
    private static byte[] spoiled(byte[] message, int nulIndex) {
        byte[] copy = message.clone();
        int seen = 0;
        for (int i = 5; i < copy.length; i++) {
            if (copy[i] == 0 && seen++ == nulIndex) {
                Arrays.fill(copy, i, copy.length, (byte) ' ');
                break;
            }
        }
        return copy;
    }

    private static final byte[] COPY_DATA = FrontendMessages.copyData(new byte[300]);
    private static final String PADDED = "select 1; /* " + "pad ".repeat(500) + " */ ALTER ROLE u PASSWORD 'p'";
    private static final byte[] CLIENT = concat(
            new StartupPacket.SslRequest().encode(),
            new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "u")).encode(),
            FrontendMessages.query("select 1"),
            FrontendMessages.query(PADDED),
            COPY_DATA,
            FrontendMessages.parse("s", "alter role u password 'p'"),
            FrontendMessages.bind("", "s", new byte[0][], new boolean[0]),
            FrontendMessages.sync());
    private static final byte[] CLIENT_EXPECTED = concat(
            FrontendMessages.query("select 1"),
            spoiled(FrontendMessages.query(PADDED), 0),
            COPY_DATA,
            spoiled(FrontendMessages.parse("s", "alter role u password 'p'"), 1),
            FrontendMessages.bind("", "s", new byte[0][], new boolean[0]),
            FrontendMessages.sync());

    private static final byte[] ROW = {'D', 0, 0, 0, 10, 0, 1, 0, 0, 0, 0};
    private static final byte[] INVALID_STRING = new ErrorResponse("ERROR", "08P01", "invalid string in message", null, null).encode();
    /** What the server answers the spoiled stream: startup, select 1, the spoiled Query, the spoiled Parse (then skip to Sync). */
    private static final byte[] SERVER = concat(
            BackendMessages.authenticationOk(), BackendMessages.parameterStatus("a", "b"), BackendMessages.readyForQuery('I'),
            ROW, BackendMessages.readyForQuery('I'),
            INVALID_STRING, BackendMessages.readyForQuery('I'),
            INVALID_STRING, BackendMessages.readyForQuery('I'));
    private static final byte[] SERVER_EXPECTED = concat(
            BackendMessages.authenticationOk(), BackendMessages.parameterStatus("a", "b"), BackendMessages.readyForQuery('I'),
            ROW, BackendMessages.readyForQuery('I'),
            PasswordChangeGuard.REFUSAL.encode(), BackendMessages.readyForQuery('I'),
            PasswordChangeGuard.REFUSAL.encode(), BackendMessages.readyForQuery('I'));

    @Test
    void refusedStatementsAreSpoiledAndTheirErrorsBecomeRefusalsAtEverySplit() {
        for (int cut = 0; cut <= CLIENT.length; cut++) {
            RefusalMarkers markers = new RefusalMarkers();
            Startups startups = new Startups();
            ClientFilter filter = new ClientFilter(startups, markers);
            byte[] out = concat(filter.filter(Arrays.copyOfRange(CLIENT, 0, cut)), filter.filter(Arrays.copyOfRange(CLIENT, cut, CLIENT.length)));
            assertThat(out).as("split at %d", cut).isEqualTo(CLIENT_EXPECTED);
            assertThat(startups.packets).hasSize(2);
            int serverCut = cut % (SERVER.length + 1);
            BackendFilter backend = new BackendFilter(markers);
            byte[] back = concat(backend.filter(Arrays.copyOfRange(SERVER, 0, serverCut)),
                    backend.filter(Arrays.copyOfRange(SERVER, serverCut, SERVER.length)));
            assertThat(back).as("server split at %d", serverCut).isEqualTo(SERVER_EXPECTED);
            assertThat(markers.isEmpty()).isTrue();
            assertThat(backend.atMessageBoundary()).isTrue();
        }
    }

    @Test
    void randomSplitsAndByteByByteGiveTheSameStream() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            ClientFilter filter = new ClientFilter(new Startups(), new RefusalMarkers());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int p = 0; p < CLIENT.length; ) {
                int n = round == 0 ? 1 : Math.min(CLIENT.length - p, 1 + random.nextInt(64));
                out.writeBytes(filter.filter(Arrays.copyOfRange(CLIENT, p, p + n)));
                p += n;
            }
            assertThat(out.toByteArray()).as("round %d", round).isEqualTo(CLIENT_EXPECTED);
        }
    }

    @Test
    void theServersOwnInvalidStringErrorIsRelayedAsItCame() {
        // No refusal pending for this batch: a client's own broken Query gets the server's answer.
        RefusalMarkers markers = new RefusalMarkers();
        ClientFilter client = new ClientFilter(new Startups(), markers);
        byte[] broken = {'Q', 0, 0, 0, 6, 'x', 'y'};
        client.filter(concat(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(), broken,
                FrontendMessages.query("alter user u password 'p'")));
        byte[] server = concat(BackendMessages.readyForQuery('I'), INVALID_STRING, BackendMessages.readyForQuery('I'),
                INVALID_STRING, BackendMessages.readyForQuery('I'));
        byte[] back = new BackendFilter(markers).filter(server);
        assertThat(back).isEqualTo(concat(BackendMessages.readyForQuery('I'), INVALID_STRING, BackendMessages.readyForQuery('I'),
                PasswordChangeGuard.REFUSAL.encode(), BackendMessages.readyForQuery('I')));
    }

    @Test
    void aRefusalTheServerSkippedIsDroppedAtItsReadyForQuery() {
        RefusalMarkers markers = new RefusalMarkers();
        ClientFilter client = new ClientFilter(new Startups(), markers);
        client.filter(concat(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(),
                FrontendMessages.parse("", "selec 1"), FrontendMessages.parse("", "alter user u password 'p'"), FrontendMessages.sync()));
        assertThat(markers.isEmpty()).isFalse();
        byte[] syntax = ErrorResponse.error("42601", "syntax error at or near \"selec\"", null).encode();
        byte[] server = concat(BackendMessages.readyForQuery('I'), syntax, BackendMessages.readyForQuery('I'));
        assertThat(new BackendFilter(markers).filter(server)).isEqualTo(server);
        assertThat(markers.isEmpty()).isTrue();
    }

    @Test
    void unchangedChunksAreRelayedWithoutACopy() {
        BackendFilter filter = new BackendFilter(new RefusalMarkers());
        byte[] chunk = concat(BackendMessages.parameterStatus("a", "b"), BackendMessages.readyForQuery('I'));
        assertThat(filter.filter(chunk)).isSameAs(chunk);
        ClientFilter client = new ClientFilter(new Startups(), new RefusalMarkers());
        client.filter(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode());
        byte[] queries = concat(FrontendMessages.query("select 1"), FrontendMessages.parse("", "select 2"), FrontendMessages.sync());
        assertThat(client.filter(queries)).isSameAs(queries);
    }
}
