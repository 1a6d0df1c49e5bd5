package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Fuzzes the audit's statement extraction through {@link StatementExtractor#feed}.
 * {@link #anyStream}: arbitrary bytes never make feed() throw, the events do not depend on how the
 * stream is chunked, and nothing is reported after a Malformed event. {@link #wellFormed}: a stream
 * the test encodes itself from fuzzer-chosen statements (its own encoder, not the code under test)
 * decodes to exactly those statements, whatever the chunking.
 */
class StatementExtractorFuzzTest {
    private static final java.util.regex.Pattern MESSAGE_LEVEL = java.util.regex.Pattern.compile("(Query|Parse|Bind|Execute):");

    @FuzzTest(maxDuration = "15s")
    void anyStream(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 256);
        int[] cuts = data.consumeInts(6);
        byte[] stream = data.consumeRemainingAsBytes();

        List<StatementEvent> expected = feed(new StatementExtractor(limit), stream, i -> stream.length);
        assertThat(feed(new StatementExtractor(limit), stream, i -> 1)).as("fed byte by byte").isEqualTo(expected);
        assertThat(feed(new StatementExtractor(limit), stream, chunks(cuts)))
                .as("fed in chunks of %s", Arrays.toString(cuts)).isEqualTo(expected);
        // A message that decodes badly is reported and the stream goes on (its framing still holds);
        // broken framing ends the stream: nothing after it.
        for (int i = 0; i < expected.size() - 1; i++) {
            if (expected.get(i) instanceof StatementEvent.Malformed m && !MESSAGE_LEVEL.matcher(m.reason()).lookingAt()) {
                assertThat(expected.subList(i + 1, expected.size())).as("events after %s", m).isEmpty();
            }
        }
    }

    @FuzzTest(maxDuration = "15s")
    void wellFormed(FuzzedDataProvider data) {
        // Large enough that nothing is cut: truncation, lengths and hashes are StatementExtractorTest's.
        int limit = 1 << 16;
        data.consumeInt(0, 512); // keeps the layout of the inputs found so far
        int[] cuts = data.consumeInts(4);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<StatementEvent> expected = new ArrayList<>();

        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            parameters.put(nonEmptyCString(data), cstring(data));
        }
        startup(stream, parameters);
        expected.add(new StatementEvent.Startup(parameters));

        for (int n = data.consumeInt(0, 6); n > 0 && data.remainingBytes() > 0; n--) {
            Msg msg = switch (data.consumeInt(0, 4)) {
                case 0 -> {
                    String sql = cstring(data);
                    yield new Msg('Q', body(w -> cstring(w, sql)), new StatementEvent.Query(sql));
                }
                case 1 -> {
                    String name = cstring(data);
                    String sql = cstring(data);
                    yield new Msg('P', body(w -> {
                        cstring(w, name);
                        cstring(w, sql);
                        w.writeShort(0);
                    }), new StatementEvent.Parse(name, sql));
                }
                case 2 -> bind(data);
                case 3 -> {
                    String portal = cstring(data);
                    int maxRows = data.consumeInt();
                    yield new Msg('E', body(w -> {
                        cstring(w, portal);
                        w.writeInt(maxRows);
                    }), new StatementEvent.Execute(portal, maxRows));
                }
                default -> {
                    // A message the audit skips (Sync, Describe, CopyData, …): reported as nothing.
                    char type = "SDdcfHC".charAt(data.consumeInt(0, 6));
                    byte[] body = data.consumeBytes(data.consumeInt(0, 64));
                    yield new Msg(type, body, null);
                }
            };
            message(stream, msg.type, msg.body);
            if (msg.event != null) {
                expected.add(msg.event);
            }
        }

        byte[] bytes = stream.toByteArray();
        assertThat(feed(new StatementExtractor(limit), bytes, i -> bytes.length)).as("fed at once").isEqualTo(expected);
        assertThat(feed(new StatementExtractor(limit), bytes, chunks(cuts)))
                .as("fed in chunks of %s", Arrays.toString(cuts)).isEqualTo(expected);
    }

    private record Msg(char type, byte[] body, StatementEvent event) { }

    private static Msg bind(FuzzedDataProvider data) {
        String portal = cstring(data);
        String statement = cstring(data);
        int count = data.consumeInt(0, 5);
        int formatCount = switch (data.consumeInt(0, 2)) {
            case 0 -> 0;
            case 1 -> 1;
            default -> count;
        };
        short[] formats = new short[formatCount];
        for (int i = 0; i < formatCount; i++) {
            formats[i] = (short) (data.consumeBoolean() ? 1 : 0);
        }
        List<byte[]> values = new ArrayList<>();
        List<StatementEvent.Parameter> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            short format = formatCount == 0 ? 0 : formatCount == 1 ? formats[0] : formats[i];
            if (data.consumeBoolean()) {
                values.add(null);
                expected.add(StatementEvent.Parameter.NULL);
            } else if (format == 0) {
                String text = utf8(data.consumeString(32));
                values.add(text.getBytes(StandardCharsets.UTF_8));
                expected.add(StatementEvent.Parameter.text(text));
            } else {
                byte[] binary = data.consumeBytes(16);
                values.add(binary);
                expected.add(StatementEvent.Parameter.binary(binary));
            }
        }
        byte[] body = body(w -> {
            cstring(w, portal);
            cstring(w, statement);
            w.writeShort(formatCount);
            for (short f : formats) {
                w.writeShort(f);
            }
            w.writeShort(count);
            for (byte[] v : values) {
                w.writeInt(v == null ? -1 : v.length);
                if (v != null) {
                    w.write(v);
                }
            }
            w.writeShort(0); // result formats
        });
        return new Msg('B', body, new StatementEvent.Bind(portal, statement, expected));
    }

    // ---- helpers: an encoder of our own, so a bug shared with the production encoder cannot hide

    static IntUnaryOperator chunks(int[] cuts) {
        return i -> cuts.length == 0 ? 7 : 1 + Math.floorMod(cuts[i % cuts.length], 97);
    }

    private static List<StatementEvent> feed(StatementExtractor extractor, byte[] stream, IntUnaryOperator chunkSize) {
        List<StatementEvent> events = new ArrayList<>();
        int p = 0;
        for (int i = 0; p < stream.length; i++) {
            int n = Math.min(chunkSize.applyAsInt(i), stream.length - p);
            events.addAll(extractor.feed(stream, p, n));
            p += n;
        }
        return events;
    }

    /** Text that survives a UTF-8 round trip and holds no NUL (a C string cannot). */
    private static String cstring(FuzzedDataProvider data) {
        return utf8(data.consumeString(24).replace("\0", ""));
    }

    private static String nonEmptyCString(FuzzedDataProvider data) {
        String s = cstring(data);
        return s.isEmpty() ? "k" : s;
    }

    private static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private interface Writer {
        void write(DataOutputStream w) throws IOException;
    }

    private static byte[] body(Writer writer) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            writer.write(new DataOutputStream(b));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void cstring(DataOutputStream w, String s) throws IOException {
        w.write(s.getBytes(StandardCharsets.UTF_8));
        w.write(0);
    }

    private static void startup(ByteArrayOutputStream out, Map<String, String> parameters) {
        byte[] body = body(w -> {
            w.writeInt(StartupPacket.PROTOCOL_3_0);
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                cstring(w, e.getKey());
                cstring(w, e.getValue());
            }
            w.write(0);
        });
        out.writeBytes(body(w -> {
            w.writeInt(body.length + 4);
            w.write(body);
        }));
    }

    private static void message(ByteArrayOutputStream out, char type, byte[] body) {
        out.write(type);
        out.writeBytes(body(w -> w.writeInt(body.length + 4)));
        out.writeBytes(body);
    }
}
