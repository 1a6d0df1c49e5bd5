package dev.hoop.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Fuzzes {@link RequestLines} (the audit's framing of an http connection, which must match the
 * agent's): any bytes give the same lines whatever the chunking, {@code feed} never throws, and
 * nothing is recorded after a line that stops the parsing (a malformed request, a WebSocket upgrade).
 */
class RequestLinesFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyStream(FuzzedDataProvider data) {
        int[] cuts = data.consumeInts(6);
        byte[] stream = data.consumeRemainingAsBytes();

        List<String> expected = feed(stream, i -> stream.length);
        assertThat(feed(stream, i -> 1)).as("fed byte by byte").isEqualTo(expected);
        assertThat(feed(stream, i -> cuts.length == 0 ? 7 : 1 + Math.floorMod(cuts[i % cuts.length], 97)))
                .as("fed in chunks of %s", Arrays.toString(cuts)).isEqualTo(expected);
        for (int i = 0; i < expected.size() - 1; i++) {
            String line = expected.get(i);
            assertThat(line.startsWith("-- the client broke") || line.endsWith("are not recorded"))
                    .as("lines after %s", line).isFalse();
        }
        for (String line : expected) {
            assertThat(line).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f]"); // no control character reaches the audit
        }
    }

    private static List<String> feed(byte[] stream, IntUnaryOperator chunkSize) {
        RequestLines lines = new RequestLines();
        List<String> out = new ArrayList<>();
        int p = 0;
        for (int i = 0; p < stream.length; i++) {
            int n = Math.min(chunkSize.applyAsInt(i), stream.length - p);
            out.addAll(lines.feed(Arrays.copyOfRange(stream, p, p + n)));
            p += n;
        }
        lines.close();
        return out;
    }
}
