package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontendFramerTest {

    /** Rebuilds the typed stream from raw runs plus re-framed captured messages, noting each call. */
    private static final class Recorder implements FrontendFramer.Listener {
        final ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        final List<String> calls = new ArrayList<>();

        @Override
        public void startupPacket(StartupPacket packet) {
            calls.add("startup " + packet.getClass().getSimpleName());
            rebuilt.writeBytes(packet.encode());
        }

        @Override
        public boolean capture(char type, int bodyLength) {
            return type == 'Q';
        }

        @Override
        public void message(char type, byte[] body) {
            calls.add("message " + type);
            rebuilt.write(type);
            int length = body.length + 4;
            rebuilt.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
            rebuilt.writeBytes(body);
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
            assertThat(length).isPositive();
            rebuilt.write(bytes, offset, length);
        }

        @Override
        public void oversized(char type, int bodyLength) {
            calls.add("oversized " + type);
        }

        @Override
        public void malformed(String reason) {
            calls.add("malformed " + reason);
        }
    }

    @Test
    void rawRunsAndCapturedMessagesRebuildTheStreamAtEverySplit() {
        byte[] stream = StatementExtractorTest.SESSION;
        for (int cut = 0; cut <= stream.length; cut++) {
            Recorder recorder = new Recorder();
            FrontendFramer framer = new FrontendFramer(recorder, 1000, true);
            framer.feed(stream, 0, cut);
            framer.feed(stream, cut, stream.length - cut);
            assertThat(recorder.rebuilt.toByteArray()).as("split at %d", cut).isEqualTo(stream);
            assertThat(recorder.calls).as("split at %d", cut).containsExactly(
                    "startup SslRequest", "startup StartupMessage", "message Q", "message Q");
        }
    }

    @Test
    void typedPhaseFramerStartsAtAMessageHeader() {
        Recorder recorder = new Recorder();
        FrontendFramer framer = new FrontendFramer(recorder, 1000, false);
        byte[] stream = FrontendMessages.query("select 1");
        framer.feed(stream);
        assertThat(framer.inStartupPhase()).isFalse();
        assertThat(recorder.calls).containsExactly("message Q");
        assertThat(recorder.rebuilt.toByteArray()).isEqualTo(stream);
    }

    /** Streams Parse and Bind bodies: headers reach raw, bodies arrive in order between start and end. */
    private static final class Streamer implements FrontendFramer.Listener {
        final ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        final List<String> calls = new ArrayList<>();
        private int received;

        @Override
        public void startupPacket(StartupPacket packet) {
            rebuilt.writeBytes(packet.encode());
        }

        @Override
        public boolean stream(char type, int bodyLength) {
            return type == 'P' || type == 'B';
        }

        @Override
        public void bodyStart(char type, int bodyLength) {
            calls.add("start " + type + " " + bodyLength);
            received = 0;
        }

        @Override
        public void body(byte[] bytes, int offset, int length) {
            assertThat(length).isPositive();
            received += length;
            rebuilt.write(bytes, offset, length);
        }

        @Override
        public void bodyEnd() {
            calls.add("end " + received);
        }

        @Override
        public boolean capture(char type, int bodyLength) {
            return false;
        }

        @Override
        public void message(char type, byte[] body) {
            throw new AssertionError("nothing is captured");
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
            assertThat(length).isPositive();
            rebuilt.write(bytes, offset, length);
        }

        @Override
        public void oversized(char type, int bodyLength) {
            throw new AssertionError("nothing is captured");
        }

        @Override
        public void malformed(String reason) {
            calls.add("malformed " + reason);
        }
    }

    @Test
    void streamedBodiesAndRawRunsRebuildTheStreamAtEverySplit() {
        byte[] stream = StatementExtractorTest.SESSION;
        List<String> expected = null;
        for (int cut = 0; cut <= stream.length; cut++) {
            Streamer streamer = new Streamer();
            FrontendFramer framer = new FrontendFramer(streamer, 0, true);
            framer.feed(stream, 0, cut);
            framer.feed(stream, cut, stream.length - cut);
            assertThat(streamer.rebuilt.toByteArray()).as("split at %d", cut).isEqualTo(stream);
            if (expected == null) {
                expected = streamer.calls;
                assertThat(expected).hasSize(8).allMatch(c -> c.startsWith("start ") || c.startsWith("end "));
            }
            assertThat(streamer.calls).as("split at %d", cut).isEqualTo(expected);
        }
    }
}
