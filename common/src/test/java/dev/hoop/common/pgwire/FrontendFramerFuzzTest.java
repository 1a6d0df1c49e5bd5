package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Fuzzes the client-stream framer through its public API. The framer's listener calls are compared
 * with a whole-buffer reference model of the protocol's framing, for the stream fed at once, byte by
 * byte and in fuzzer-chosen chunks: the events must be identical whatever the chunking, every byte of
 * an uncaptured message must be relayed exactly once and in order, and feed() must never throw.
 * Seeds: src/test/resources/dev/hoop/common/pgwire/FrontendFramerFuzzTestInputs/framing/.
 */
class FrontendFramerFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void framing(FuzzedDataProvider data) {
        boolean startupPhase = data.consumeBoolean();
        int captureLimit = data.consumeInt(0, 64);
        String captured = data.consumeAsciiString(4);
        int[] cuts = data.consumeInts(6);
        byte[] stream = data.consumeRemainingAsBytes();

        List<Object> expected = model(stream, startupPhase, captureLimit, captured);
        assertThat(run(stream, startupPhase, captureLimit, captured, i -> stream.length))
                .as("fed at once").isEqualTo(expected);
        assertThat(run(stream, startupPhase, captureLimit, captured, i -> 1))
                .as("fed byte by byte").isEqualTo(expected);
        assertThat(run(stream, startupPhase, captureLimit, captured, chunks(cuts)))
                .as("fed in chunks of %s", Arrays.toString(cuts)).isEqualTo(expected);
    }

    // ---- the framer, its calls recorded (consecutive raw runs merged, as chunking splits them anywhere)

    record Raw(List<Byte> bytes) { }
    record Message(char type, List<Byte> body) { }
    record Oversized(char type, int bodyLength) { }
    record Malformed(String reason) { }

    /** Chunk sizes 1 to 97 taken in turn from the fuzzer's numbers. */
    static IntUnaryOperator chunks(int[] cuts) {
        return i -> cuts.length == 0 ? 7 : 1 + Math.floorMod(cuts[i % cuts.length], 97);
    }

    private static List<Object> run(byte[] stream, boolean startupPhase, int captureLimit, String captured, IntUnaryOperator chunkSize) {
        Recorder recorder = new Recorder(captured);
        FrontendFramer framer = new FrontendFramer(recorder, captureLimit, startupPhase);
        int p = 0;
        for (int i = 0; p < stream.length; i++) {
            int n = Math.min(chunkSize.applyAsInt(i), stream.length - p);
            // An offset into a larger array: the framer must honour offset and length.
            byte[] padded = new byte[n + 2];
            System.arraycopy(stream, p, padded, 1, n);
            framer.feed(padded, 1, n);
            p += n;
        }
        recorder.flush();
        return recorder.events;
    }

    private static final class Recorder implements FrontendFramer.Listener {
        final List<Object> events = new ArrayList<>();
        private final String captured;
        private final ByteArrayOutputStream run = new ByteArrayOutputStream();
        private boolean dead;

        Recorder(String captured) {
            this.captured = captured;
        }

        void flush() {
            if (run.size() > 0) {
                events.add(new Raw(list(run.toByteArray())));
                run.reset();
            }
        }

        private void event(Object e) {
            assertThat(dead).as("a call after malformed(): %s", e).isFalse();
            flush();
            events.add(e);
        }

        @Override
        public void startupPacket(StartupPacket packet) {
            event(packet);
        }

        @Override
        public boolean capture(char type, int bodyLength) {
            assertThat(bodyLength).isNotNegative();
            return captured.indexOf(type) >= 0;
        }

        @Override
        public void message(char type, byte[] body) {
            event(new Message(type, list(body)));
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
            assertThat(dead).isFalse();
            assertThat(length).as("an empty raw run").isPositive();
            run.write(bytes, offset, length);
        }

        @Override
        public void oversized(char type, int bodyLength) {
            event(new Oversized(type, bodyLength));
        }

        @Override
        public void malformed(String reason) {
            event(new Malformed(reason));
            dead = true;
        }
    }

    // ---- the reference: the same protocol read from the whole buffer, with no state carried between chunks

    private static List<Object> model(byte[] s, boolean startupPhase, int captureLimit, String captured) {
        List<Object> out = new ArrayList<>();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int p = 0;
        boolean startup = startupPhase;
        while (true) {
            if (startup) {
                if (s.length - p < 4) {
                    break;
                }
                int length = int32(s, p);
                if (length < 8 || length > StartupPacket.MAX_LENGTH) {
                    out.add(new Malformed("startup packet length " + length + " (expected: 8 to " + StartupPacket.MAX_LENGTH + ")"));
                    break;
                }
                if (s.length - p < length) {
                    break;
                }
                StartupPacket packet;
                try {
                    packet = StartupPacket.decode(Arrays.copyOfRange(s, p, p + length));
                } catch (PgWireException e) {
                    out.add(new Malformed(e.getMessage()));
                    break;
                }
                out.add(packet);
                p += length;
                if (packet instanceof StartupPacket.CancelRequest) {
                    break; // nothing follows a cancel
                }
                startup = !(packet instanceof StartupPacket.StartupMessage);
                continue;
            }
            if (s.length - p < 5) {
                break;
            }
            char type = (char) (s[p] & 0xff);
            int bodyLength = int32(s, p + 1) - 4;
            if (bodyLength < 0) {
                flushRaw(out, raw);
                out.add(new Malformed("message '" + FrontendFramer.printable(type) + "' with length " + (bodyLength + 4) + " (expected: at least 4)"));
                break;
            }
            int available = Math.min(bodyLength, s.length - p - 5);
            if (captured.indexOf(type) >= 0) {
                flushRaw(out, raw);
                if (bodyLength > captureLimit) {
                    out.add(new Oversized(type, bodyLength));
                } else if (available == bodyLength) {
                    out.add(new Message(type, list(Arrays.copyOfRange(s, p + 5, p + 5 + bodyLength))));
                }
            } else {
                raw.write(s, p, 5 + available);
            }
            if (available < bodyLength) {
                break;
            }
            p += 5 + bodyLength;
        }
        flushRaw(out, raw);
        return out;
    }

    private static void flushRaw(List<Object> out, ByteArrayOutputStream raw) {
        if (raw.size() > 0) {
            out.add(new Raw(list(raw.toByteArray())));
            raw.reset();
        }
    }

    private static int int32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static List<Byte> list(byte[] bytes) {
        List<Byte> l = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            l.add(b);
        }
        return l;
    }
}
