package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proxy's two filters give the same output whatever the chunk boundaries: a refused statement
 * becomes a marker request, and the server's error for that marker becomes the refusal.
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

    @Test
    void clientStreamIsRelayedWithRefusedStatementsReplacedAtEverySplit() {
        byte[] copyData = FrontendMessages.copyData(new byte[300]);
        byte[] stream = concat(
                new StartupPacket.SslRequest().encode(),
                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "u")).encode(),
                FrontendMessages.query("select 1"),
                FrontendMessages.query("ALTER USER u PASSWORD 'p'"),
                copyData,
                FrontendMessages.parse("s", "alter role u password 'p'"),
                FrontendMessages.bind("", "s", new byte[0][], new boolean[0]),
                FrontendMessages.sync());
        for (int cut = 0; cut <= stream.length; cut++) {
            RefusalMarkers markers = new RefusalMarkers();
            Startups startups = new Startups();
            ClientFilter filter = new ClientFilter(startups, markers);
            byte[] first = java.util.Arrays.copyOfRange(stream, 0, cut);
            byte[] second = java.util.Arrays.copyOfRange(stream, cut, stream.length);
            byte[] out = concat(filter.filter(first), filter.filter(second));
            String prefix = markerPrefix(markers);
            byte[] expected = concat(
                    FrontendMessages.query("select 1"),
                    FrontendMessages.query("DEALLOCATE \"" + prefix + "0\""),
                    copyData,
                    FrontendMessages.describe('S', prefix + "1"),
                    FrontendMessages.bind("", "s", new byte[0][], new boolean[0]),
                    FrontendMessages.sync());
            assertThat(out).as("split at %d", cut).isEqualTo(expected);
            assertThat(startups.packets).hasSize(2);
        }
    }

    /** The registry's prefix, learnt from a marker it hands out (the next name is then "…2", unused here). */
    private static String markerPrefix(RefusalMarkers markers) {
        String probe = markers.register(ErrorResponse.error("00000", "probe", null));
        return probe.substring(0, probe.lastIndexOf('_') + 1);
    }

    @Test
    void markerErrorBecomesTheRefusalAtEverySplit() {
        for (int cut = 0; ; cut++) {
            RefusalMarkers markers = new RefusalMarkers();
            String name = markers.register(PasswordChangeGuard.REFUSAL);
            byte[] serverError = new ErrorResponse("ERROR", "26000", "prepared statement \"" + name + "\" does not exist",
                    null, null).encode();
            byte[] other = ErrorResponse.error("22012", "division by zero", null).encode();
            byte[] row = {'D', 0, 0, 0, 10, 0, 1, 0, 0, 0, 0};
            byte[] stream = concat(BackendMessages.parameterStatus("a", "b"), row, other, serverError,
                    BackendMessages.readyForQuery('I'));
            if (cut > stream.length) {
                break;
            }
            BackendFilter filter = new BackendFilter(markers);
            byte[] out = concat(filter.filter(java.util.Arrays.copyOfRange(stream, 0, cut)),
                    filter.filter(java.util.Arrays.copyOfRange(stream, cut, stream.length)));
            assertThat(out).as("split at %d", cut).isEqualTo(concat(BackendMessages.parameterStatus("a", "b"), row, other,
                    PasswordChangeGuard.REFUSAL.encode(), BackendMessages.readyForQuery('I')));
            assertThat(markers.isEmpty()).isTrue();
            assertThat(filter.atMessageBoundary()).isTrue();
        }
    }

    @Test
    void unchangedChunksAreRelayedWithoutACopy() {
        BackendFilter filter = new BackendFilter(new RefusalMarkers());
        byte[] chunk = concat(BackendMessages.parameterStatus("a", "b"), BackendMessages.readyForQuery('I'));
        assertThat(filter.filter(chunk)).isSameAs(chunk);
    }
}
