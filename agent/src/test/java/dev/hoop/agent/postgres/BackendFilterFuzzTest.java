package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.PgWireException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the agent's parsing of server messages through {@link BackendFilter#filter}, its one entry
 * point. {@link #anyServerStream}: with no refusal pending, whatever the server sends reaches the
 * client byte for byte, whatever the chunking; the only failure is {@link PgWireException} for
 * broken framing, after which nothing wrong was relayed. {@link #markedErrors}: a server error
 * answering a pending refused message is swapped for the refusal, and every other byte passes unchanged.
 * Self-contained on purpose: it builds server messages with its own encoder.
 */
class BackendFilterFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyServerStream(FuzzedDataProvider data) {
        int[] cuts = data.consumeInts(6);
        boolean pending = data.consumeBoolean();
        byte[] stream = data.consumeRemainingAsBytes();
        RefusalMarkers markers = new RefusalMarkers();
        if (pending) {
            markers.register(Long.MAX_VALUE, ErrorResponse.error("42501", "refused", null)); // a batch the server never reaches
        }
        BackendFilter filter = new BackendFilter(markers);
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        int p = 0;
        try {
            for (int i = 0; p < stream.length; i++) {
                int n = Math.min(cuts.length == 0 ? 7 : 1 + Math.floorMod(cuts[i % cuts.length], 97), stream.length - p);
                relayed.writeBytes(filter.filter(Arrays.copyOfRange(stream, p, p + n)));
                p += n;
            }
        } catch (PgWireException e) {
            assertThat(e.getMessage()).startsWith("from the server: ");
            byte[] out = relayed.toByteArray();
            assertThat(Arrays.copyOf(stream, out.length)).as("relayed before the framing broke").isEqualTo(out);
            return;
        }
        // Only the start of a message whose type and length are still incomplete is held back, or,
        // while a marker is pending, one server error of at most 64 KiB being examined.
        byte[] out = relayed.toByteArray();
        // (AssertJ's startsWith refuses an empty prefix, hence the copy.)
        assertThat(Arrays.copyOf(stream, out.length)).as("relayed").isEqualTo(out);
        int held = stream.length - out.length;
        assertThat(held).as("bytes held back").isLessThan(pending ? 5 + 64 * 1024 : 5);
        assertThat(filter.atMessageBoundary()).as("at a boundary after relaying all").isEqualTo(held == 0 && boundary(stream));
    }

    /** Whether the stream ends exactly after a whole message (a reference walk over the headers). */
    private static boolean boundary(byte[] s) {
        long p = 0;
        while (s.length - p >= 5) {
            int i = (int) p;
            long length = (s[i + 1] & 0xffL) << 24 | (s[i + 2] & 0xff) << 16 | (s[i + 3] & 0xff) << 8 | (s[i + 4] & 0xff);
            p += 1 + length;
            if (p > s.length) {
                return false;
            }
        }
        return p == s.length;
    }

    @FuzzTest(maxDuration = "15s")
    void markedErrors(FuzzedDataProvider data) {
        RefusalMarkers markers = new RefusalMarkers();
        ErrorResponse refusal = ErrorResponse.error("42501", "hoop: refused " + data.consumeString(10), null);
        markers.register(0, refusal); // the refused message went out before the first ReadyForQuery
        int[] cuts = data.consumeInts(4);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        boolean live = true; // the refusal still waits for its server error
        for (int n = data.consumeInt(1, 6); n > 0; n--) {
            byte[] message;
            boolean namesMarker = false;
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    namesMarker = data.consumeBoolean();
                    message = namesMarker ? ErrorResponse.error("08P01", RefusalMarkers.SERVER_MESSAGE, null).encode()
                            : ErrorResponse.error("26000", data.consumeString(40), null).encode();
                }
                case 1 -> message = typed('Z', new byte[] {'I'});
                default -> message = typed((char) data.consumeInt('A', 'z'), data.consumeBytes(data.consumeInt(0, 40)));
            }
            stream.writeBytes(message);
            // Swapped once, and only within its batch: after a ReadyForQuery, or a second time, the
            // same error is the server's own and passes.
            boolean swapped = namesMarker && live;
            expected.writeBytes(swapped ? refusal.encode() : message);
            live &= !swapped && message[0] != 'Z';
        }
        BackendFilter filter = new BackendFilter(markers);
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        byte[] bytes = stream.toByteArray();
        int p = 0;
        for (int i = 0; p < bytes.length; i++) {
            int n = Math.min(cuts.length == 0 ? 5 : 1 + Math.floorMod(cuts[i % cuts.length], 31), bytes.length - p);
            relayed.writeBytes(filter.filter(Arrays.copyOfRange(bytes, p, p + n)));
            p += n;
        }
        assertThat(new String(relayed.toByteArray(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(expected.toByteArray(), StandardCharsets.ISO_8859_1));
        assertThat(filter.atMessageBoundary()).isTrue();
    }

    private static byte[] typed(char type, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int length = body.length + 4;
        b.write(type);
        b.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        b.writeBytes(body);
        return b.toByteArray();
    }
}
