package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatementExtractorTest {

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final Map<String, String> STARTUP = new LinkedHashMap<>(Map.of("user", "alice", "database", "shop"));

    /** A psql/pgjdbc-like session: TLS refused, startup, simple and extended queries, COPY in. */
    static final byte[] SESSION = concat(
            new StartupPacket.SslRequest().encode(),
            new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, STARTUP).encode(),
            FrontendMessages.query("select 1; select 'é'"),
            FrontendMessages.parse("s1", "select * from t where a = $1 and b = $2 and c = $3"),
            FrontendMessages.bind("p1", "s1", new byte[][] {utf8("42"), {0, 1, (byte) 0xff}, null}, new boolean[] {false, true, false}),
            FrontendMessages.describe('P', "p1"),
            FrontendMessages.execute("p1", 0),
            FrontendMessages.sync(),
            FrontendMessages.query("copy t from stdin"),
            FrontendMessages.copyData(utf8("1\tQ\n2\tP\n")),
            FrontendMessages.copyDone(),
            FrontendMessages.parse("", "insert into t values ($1)"),
            FrontendMessages.bind("", "", new byte[][] {{1, 2}}, new boolean[] {true}),
            FrontendMessages.execute("", 10),
            FrontendMessages.sync(),
            FrontendMessages.terminate());

    static final List<StatementEvent> EXPECTED = List.of(
            new StatementEvent.Startup(STARTUP),
            new StatementEvent.Query("select 1; select 'é'"),
            new StatementEvent.Parse("s1", "select * from t where a = $1 and b = $2 and c = $3"),
            new StatementEvent.Bind("p1", "s1", List.of(StatementEvent.Parameter.text("42"),
                    StatementEvent.Parameter.binary(new byte[] {0, 1, (byte) 0xff}), StatementEvent.Parameter.NULL)),
            new StatementEvent.Execute("p1", 0),
            new StatementEvent.Query("copy t from stdin"),
            new StatementEvent.Parse("", "insert into t values ($1)"),
            new StatementEvent.Bind("", "", List.of(StatementEvent.Parameter.binary(new byte[] {1, 2}))),
            new StatementEvent.Execute("", 10));

    @Test
    void wholeStreamYieldsEveryStatementAndNothingElse() {
        assertThat(new StatementExtractor().feed(SESSION)).containsExactlyElementsOf(EXPECTED);
    }

    /** Fuzz finding: a Bind with a negative format or parameter count threw out of feed(). */
    @Test
    void aBindWithNegativeCountsIsReportedAsMalformedAndTheStreamGoesOn() {
        byte[] negativeFormats = {'B', 0, 0, 0, 8, 0, 0, (byte) 0xff, (byte) 0xff}; // portal "", statement "", -1 formats
        byte[] negativeParameters = {'B', 0, 0, 0, 10, 0, 0, 0, 0, (byte) 0xe4, (byte) 0xe4}; // 0 formats, -6940 parameters
        byte[] stream = concat(new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, STARTUP).encode(),
                negativeFormats, negativeParameters, FrontendMessages.query("select 2"));
        for (int chunk : new int[] {stream.length, 1}) {
            StatementExtractor extractor = new StatementExtractor();
            List<StatementEvent> events = new ArrayList<>();
            for (int p = 0; p < stream.length; p += chunk) {
                events.addAll(extractor.feed(stream, p, Math.min(chunk, stream.length - p)));
            }
            assertThat(events).as("in chunks of %d", chunk).containsExactly(
                    new StatementEvent.Startup(STARTUP),
                    new StatementEvent.Malformed("Bind: -1 format codes"),
                    new StatementEvent.Malformed("Bind: -6940 parameters"),
                    new StatementEvent.Query("select 2"));
        }
    }

    @Test
    void splitAtEveryOffsetYieldsTheSameEvents() {
        for (int cut = 0; cut <= SESSION.length; cut++) {
            StatementExtractor extractor = new StatementExtractor();
            List<StatementEvent> events = new ArrayList<>(extractor.feed(SESSION, 0, cut));
            events.addAll(extractor.feed(SESSION, cut, SESSION.length - cut));
            assertThat(events).as("split at %d", cut).containsExactlyElementsOf(EXPECTED);
        }
    }

    @Test
    void byteByByteYieldsTheSameEvents() {
        StatementExtractor extractor = new StatementExtractor();
        List<StatementEvent> events = new ArrayList<>();
        for (int i = 0; i < SESSION.length; i++) {
            events.addAll(extractor.feed(SESSION, i, 1));
        }
        assertThat(events).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void statementLargerThanTheLimitIsRecordedByItsHeadLengthAndHash() throws Exception {
        String big = "select 'é" + "x".repeat(200) + "'";
        byte[] stream = concat(
                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, STARTUP).encode(),
                FrontendMessages.query(big),
                FrontendMessages.query("select 2"));
        // 9 bytes would cut the "é" (2 bytes at offsets 8-9): the head stops before it.
        StatementExtractor extractor = new StatementExtractor(9);
        List<StatementEvent> events = new ArrayList<>();
        for (int i = 0; i < stream.length; i += 7) {
            events.addAll(extractor.feed(stream, i, Math.min(7, stream.length - i)));
        }
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(utf8(big)));
        assertThat(events).containsExactly(
                new StatementEvent.Startup(STARTUP),
                new StatementEvent.Query(new StatementEvent.Text("select '", 8, utf8(big).length, sha)),
                new StatementEvent.Query("select 2"));
    }

    @Test
    void bindParametersAreCutWithTheirLengthsWithinOneBudget() {
        byte[] stream = concat(
                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, STARTUP).encode(),
                FrontendMessages.bind("", "s", new byte[][] {utf8("a".repeat(30)), new byte[40], utf8("tail")}, new boolean[] {false, true, false}));
        List<StatementEvent> events = new ArrayList<>();
        StatementExtractor extractor = new StatementExtractor(32);
        for (byte b : stream) {
            events.addAll(extractor.feed(new byte[] {b}));
        }
        assertThat(events).containsExactly(new StatementEvent.Startup(STARTUP), new StatementEvent.Bind("", "s", List.of(
                new StatementEvent.Parameter("a".repeat(30), 30, 30),
                new StatementEvent.Parameter("0000", 2, 40),
                new StatementEvent.Parameter("", 0, 4))));
    }

    static Stream<Arguments> brokenStreams() {
        return Stream.of(
                Arguments.of("startup length too small", new byte[] {0, 0, 0, 4, 0, 0, 0, 0},
                        List.of(new StatementEvent.Malformed("startup packet length 4 (expected: 8 to 10000)"))),
                Arguments.of("startup length too large", new byte[] {0, 1, 0, 0, 0, 3, 0, 0},
                        List.of(new StatementEvent.Malformed("startup packet length 65536 (expected: 8 to 10000)"))),
                Arguments.of("protocol 2", new byte[] {0, 0, 0, 9, 0, 2, 0, 0, 0},
                        List.of(new StatementEvent.Malformed("unsupported frontend protocol 2.0 (expected: 3.0, PostgreSQL 7.4 or later)"))),
                Arguments.of("cancel request", new StartupPacket.CancelRequest(1234, 99).encode(),
                        List.of(new StatementEvent.Cancel(1234))),
                Arguments.of("typed length below 4", concat(
                                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(),
                                new byte[] {'Q', 0, 0, 0, 2}, FrontendMessages.query("select 1")),
                        List.of(new StatementEvent.Startup(Map.of()),
                                new StatementEvent.Malformed("message 'Q' with length 2 (expected: at least 4)"))),
                Arguments.of("query without NUL", concat(
                                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(),
                                new byte[] {'Q', 0, 0, 0, 5, 'x'}),
                        List.of(new StatementEvent.Startup(Map.of()),
                                new StatementEvent.Malformed("Query: string not terminated by NUL"))),
                Arguments.of("bind with short value", concat(
                                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(),
                                new byte[] {'B', 0, 0, 0, 14, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9}),
                        List.of(new StatementEvent.Startup(Map.of()),
                                new StatementEvent.Malformed("Bind: message shorter than its fields"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenStreams")
    void brokenStreamsAreReportedExactly(String name, byte[] stream, List<StatementEvent> expected) {
        assertThat(new StatementExtractor().feed(stream)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of(new StatementEvent.Startup(Map.of("user", "u", "database", "d")), "startup database=d user=u"),
                Arguments.of(new StatementEvent.Cancel(42), "cancel request for backend 42"),
                Arguments.of(new StatementEvent.Query("select 1"), "select 1"),
                Arguments.of(new StatementEvent.Parse("s1", "select $1"), "parse s1: select $1"),
                Arguments.of(new StatementEvent.Parse("", "select $1"), "parse: select $1"),
                Arguments.of(new StatementEvent.Bind("p1", "s1", List.of(StatementEvent.Parameter.text("4'2"), StatementEvent.Parameter.NULL,
                        StatementEvent.Parameter.binary(new byte[] {0, (byte) 0xff}), new StatementEvent.Parameter("ab", 2, 1500))),
                        "bind p1 to s1: ['4''2', NULL, '00ff', 'ab…' (1500 bytes)]"),
                Arguments.of(new StatementEvent.Bind("", "", List.of()), "bind to unnamed: []"),
                Arguments.of(new StatementEvent.Execute("", 0), "execute"),
                Arguments.of(new StatementEvent.Execute("p1", 10), "execute p1 (at most 10 rows)"),
                Arguments.of(new StatementEvent.Query(new StatementEvent.Text("select", 6, 2000, "ab12")),
                        "select… -- statement of 2000 bytes, sha256 ab12, first 6 recorded"),
                Arguments.of(new StatementEvent.Malformed("x"), "malformed PostgreSQL stream: x"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("texts")
    void eventsHaveOneLineTexts(StatementEvent event, String text) {
        assertThat(event.text()).isEqualTo(text);
    }

    @Test
    void copyDataIsNeverBuffered() {
        // A CopyData body far above the limit passes without an Oversized event: only statements are captured.
        byte[] stream = concat(
                new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of()).encode(),
                FrontendMessages.copyData(new byte[10_000]),
                FrontendMessages.query("select 3"));
        StatementExtractor extractor = new StatementExtractor(16);
        List<StatementEvent> events = new ArrayList<>();
        IntStream.iterate(0, i -> i < stream.length, i -> i + 1000)
                .forEach(i -> events.addAll(extractor.feed(stream, i, Math.min(1000, stream.length - i))));
        assertThat(events).containsExactly(new StatementEvent.Startup(Map.of()), new StatementEvent.Query("select 3"));
    }
}
