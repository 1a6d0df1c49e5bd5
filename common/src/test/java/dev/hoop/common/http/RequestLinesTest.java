package dev.hoop.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The audit's request lines: one per request head, bodies never, framed as the agent frames them. */
class RequestLinesTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void oneLinePerRequestAndBodiesOfAnyFramingAreSkipped() {
        RequestLines lines = new RequestLines();
        String stream = "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 27\r\n\r\nGET /not-a-request HTTP/1.1"
                + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1b\r\nGET /not-a-request HTTP/1.1\r\n0\r\n\r\n"
                + "DELETE /d HTTP/1.0\r\n\r\n";
        assertThat(lines.feed(ascii(stream))).containsExactly("GET /a?x=1 HTTP/1.1", "POST /b HTTP/1.1", "PUT /c HTTP/1.1", "DELETE /d HTTP/1.0");
    }

    @ParameterizedTest(name = "split every {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 13})
    void theSameLinesWhereverTheStreamIsCut(int size) {
        byte[] all = ascii("GET /one HTTP/1.1\r\nHost: h\r\n\r\nPOST /two HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHEAD /three HTTP/1.1\r\n\r\n");
        RequestLines lines = new RequestLines();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            got.addAll(lines.feed(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size))));
        }
        assertThat(got).containsExactly("GET /one HTTP/1.1", "POST /two HTTP/1.1", "HEAD /three HTTP/1.1");
    }

    @Test
    void aWebSocketUpgradeIsRecordedAndTheFramesAfterItAreNot() {
        RequestLines lines = new RequestLines();
        assertThat(lines.feed(ascii("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\nGET /x HTTP/1.1\r\n\r\n")))
                .containsExactly("GET /ws HTTP/1.1 -- WebSocket upgrade: the frames that follow are not recorded");
        assertThat(lines.feed(ascii("GET /y HTTP/1.1\r\n\r\n"))).isEmpty();
    }

    @Test
    void aMalformedRequestIsRecordedAsSuchAndNothingAfterIt() {
        RequestLines lines = new RequestLines();
        List<String> got = lines.feed(ascii("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\nGET /after HTTP/1.1\r\n\r\n"));
        assertThat(got).containsExactly("-- the client broke HTTP/1.1 (IllegalArgumentException: " + StrictRequestDecoder.OBS_FOLD
                + "); the agent refuses it and closes the connection");
        assertThat(lines.feed(ascii("GET /later HTTP/1.1\r\n\r\n"))).isEmpty();
    }

    @Test
    void aMalformedVersionWithAControlCharacterIsEscapedInTheLine() throws Exception {
        // The fuzzer's crash input (RequestLinesFuzzTestInputs/anyStream/malformed-version-control-character).
        byte[] crash = java.util.Base64.getDecoder().decode("AAAAAAAAUFVUIC94IEhUVFAvMS4BAAAJcmFuc2Zlci1NbmMTzs7Ozs7Ozs7Ozs7OE0xyYW5zZmVy"
                + "LU1uYxPOzs4veSBIVFRQ////7S8xLlAxDQtYPCBhDQwgYg0KDQo=");
        // The fuzz test takes its six chunk sizes from the input's last 24 bytes; the stream is the rest.
        byte[] stream = java.util.Arrays.copyOf(crash, crash.length - 24);
        List<String> got = new RequestLines().feed(stream);
        got.addAll(new RequestLines().feed(crash));
        // The failure the fuzzer reached, in its simplest form: the decoder quotes the bad version.
        got.addAll(new RequestLines().feed(ascii("PUT /x HTTP/1.\u0001\u001b[2J\r\nHost: h\r\n\r\n")));
        assertThat(got).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("-- the client broke HTTP/1.1 (")
                .doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f]"));
        assertThat(got.get(2)).isEqualTo("-- the client broke HTTP/1.1 (IllegalArgumentException: invalid version format:"
                + " HTTP/1.\\x01\\x1b[2J); the agent refuses it and closes the connection");
    }

    @Test
    void escapeWritesControlCharactersAsHexAndDoublesBackslashes() {
        assertThat(RequestLines.escape("plain /a?b=c")).isEqualTo("plain /a?b=c");
        assertThat(RequestLines.escape("a\u0001b\r\n\u001b[31m\u007f\u009b\\x01")).isEqualTo("a\\x01b\\x0d\\x0a\\x1b[31m\\x7f\\x9b\\\\x01");
    }

    @Test
    void contentLengthBesideTransferEncodingIsMalformed() {
        List<String> got = new RequestLines().feed(ascii("POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertThat(got).hasSize(1);
        assertThat(got.getFirst()).startsWith("-- the client broke HTTP/1.1 (");
    }

    @Test
    void aHugeBodyIsNotKept() {
        RequestLines lines = new RequestLines();
        assertThat(lines.feed(ascii("POST /up HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n"))).containsExactly("POST /up HTTP/1.1");
        byte[] mb = new byte[1 << 20];
        for (int i = 0; i < 95; i++) {
            assertThat(lines.feed(mb)).isEmpty();
        }
        assertThat(lines.feed(new byte[100_000_000 - 95 * (1 << 20)])).isEmpty();
        assertThat(lines.feed(ascii("GET /next HTTP/1.1\r\n\r\n"))).containsExactly("GET /next HTTP/1.1");
    }
}
