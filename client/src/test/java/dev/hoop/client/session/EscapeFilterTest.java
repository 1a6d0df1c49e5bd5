package dev.hoop.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** ssh's {@code ~.} and {@code ~~} at the start of a line; everything else goes through as typed, control bytes included. */
class EscapeFilterTest {
    /** Feeds {@code chunks} one after the other (keystrokes arrive in any grouping) and returns what is sent and whether it disconnected. */
    private static String run(String... chunks) {
        EscapeFilter f = new EscapeFilter();
        StringBuilder sent = new StringBuilder();
        for (String chunk : chunks) {
            byte[] b = chunk.getBytes(StandardCharsets.ISO_8859_1);
            EscapeFilter.Result r = f.filter(b, b.length);
            sent.append(new String(r.send(), StandardCharsets.ISO_8859_1));
            if (r.disconnect()) {
                return sent + "<disconnect>";
            }
        }
        return sent.toString();
    }

    // a method source, not a CSV one: CSV parsing trims control characters and splits at CR
    static Stream<Arguments> oneChunk() {
        return Stream.of(
                Arguments.of("~.", "<disconnect>"),
                Arguments.of("ls\r~.", "ls\r<disconnect>"),
                Arguments.of("ls\n~.rest", "ls\n<disconnect>"),
                Arguments.of("a~.", "a~."),
                Arguments.of("~~", "~"),
                Arguments.of("~~.", "~."),
                Arguments.of("~x", "~x"),
                Arguments.of("\u0003", "\u0003"),
                Arguments.of("\u001a\u001c", "\u001a\u001c"),
                Arguments.of("sleep 5\r\u0003", "sleep 5\r\u0003"));
    }

    @ParameterizedTest
    @MethodSource
    void oneChunk(String typed, String sent) {
        assertThat(run(typed)).isEqualTo(sent);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "~,x|~x",
        "~,~,.|~.",
        "x,~,.|x~.",
    })
    void splitAcrossReads(String chunks, String sent) {
        assertThat(run(chunks.split(","))).isEqualTo(sent);
    }

    @org.junit.jupiter.api.Test
    void enterInOneReadTildeAndDotInTheNext() {
        assertThat(run("echo\r", "~", ".")).isEqualTo("echo\r<disconnect>");
        assertThat(run("echo\r", "~", "x")).isEqualTo("echo\r~x");
    }
}
