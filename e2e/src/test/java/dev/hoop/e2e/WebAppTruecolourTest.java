package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The player's truecolour rewrite ({@code js/truecolour.js}) as Chromium runs it, function by function:
 * the nearest palette colour, SGR parameters read the way xterm.js reads them, and a sequence cut by
 * the end of a chunk held for the next one. The module is served by the real gateway; no sign-in is
 * needed for the app's files. {@code WebAppSessionsTest} replays a recorded session with it.
 */
class WebAppTruecolourTest extends BrowserTestBase {
    private static final String ESC = "\u001b";
    private Page page;

    @Override
    void prepare() throws Exception {
        stack.startGateway();
    }

    @BeforeAll
    void openTheApp() {
        page = browser.desktop(stack.api);
        page.navigate("/login");
    }

    /** Calls the module's export {@code name} with {@code args} in the page; its answer as Playwright maps it. */
    private Object call(String name, Object... args) {
        return page.evaluate("async ([name, args]) => (await import('/js/truecolour.js'))[name](...args)", List.of(name, List.of(args)));
    }

    static Stream<Arguments> nearestPaletteIndex() {
        return Stream.of(
                arguments(255, 0, 0, 196),        // cube corners are exact
                arguments(0, 0, 255, 21),
                arguments(0, 0, 0, 16),
                arguments(255, 255, 255, 231),
                arguments(95, 135, 175, 67),      // an inner cube colour, exact
                arguments(250, 128, 114, 209),    // salmon: each channel to its nearest level
                arguments(128, 128, 128, 244),    // a grey between cube levels: the grey ramp
                arguments(100, 101, 99, 241),     // nearly grey: the ramp is nearer than the cube's 95
                arguments(8, 8, 8, 232),          // the ramp's ends
                arguments(238, 238, 238, 255));
    }

    @ParameterizedTest(name = "rgb({0}, {1}, {2}) is palette colour {3}")
    @MethodSource
    void nearestPaletteIndex(int r, int g, int b, int index) {
        assertThat(call("nearestPaletteIndex", r, g, b)).isEqualTo(index);
    }

    static Stream<Arguments> paletteParams() {
        return Stream.of(
                arguments("38;2;255;0;0", "38;5;196"),
                arguments("48;2;0;0;255", "48;5;21"),
                arguments("1;38;2;255;0;0;4", "1;38;5;196;4"),
                arguments("38;2;255;0;0;48;2;0;0;255", "38;5;196;48;5;21"),
                arguments("38;2;255", "38;5;196"),                // missing values are 0, as xterm.js reads them
                arguments("38;2;;;255", "38;5;21"),               // and so are empty ones
                arguments("38:2::255:0:0", "38:5:196"),           // ITU T.416: 38:2:colour space:R:G:B
                arguments("48:2:0:0:0:255;1", "48:5:21;1"),
                arguments("38;5;38;2", "38;5;38;2"),              // palette colour 38, then faint: not a truecolour
                arguments("58;2;255;0;0", "58;2;255;0;0"),        // underline colour: xterm.js draws none in the DOM
                arguments("0", "0"),
                arguments("", ""));
    }

    @ParameterizedTest(name = "ESC[{0}m becomes ESC[{1}m")
    @MethodSource
    void paletteParams(String params, String expected) {
        assertThat(call("paletteParams", params)).isEqualTo(expected);
    }

    static Stream<Arguments> rewriteTruecolour() {
        String longUnfinished = ESC + "[" + "1;".repeat(40);
        return Stream.of(
                arguments("a" + ESC + "[38;2;255;0;0mred" + ESC + "[0m", "a" + ESC + "[38;5;196mred" + ESC + "[0m", ""),
                arguments("\u009b48;2;0;0;255m", "\u009b48;5;21m", ""),                       // the 8-bit CSI
                arguments("x" + ESC + "[38;2;25", "x", ESC + "[38;2;25"),                        // cut: held back
                arguments("x" + ESC, "x", ESC),
                arguments("x" + ESC + "[", "x", ESC + "["),
                arguments(ESC + "[>4;2m", ESC + "[>4;2m", ""),                                  // a private sequence, no SGR
                arguments(ESC + "]0;title\u0007done", ESC + "]0;title\u0007done", ""),
                arguments(longUnfinished, longUnfinished, ""));                                 // never held without bound
    }

    @ParameterizedTest(name = "[{index}] held: {2}")
    @MethodSource
    void rewriteTruecolour(String chunk, String text, String held) {
        assertThat(call("rewriteTruecolour", chunk)).isEqualTo(Map.of("text", text, "held", held));
    }

    @Test
    void aSequenceSplitAcrossChunksIsRewrittenWhole() {
        Object written = page.evaluate("""
                async chunks => {
                  const stream = (await import('/js/truecolour.js')).truecolourStream();
                  return [...chunks.map(c => stream.next(c)), stream.end(), stream.end()];
                }""", List.of("x" + ESC + "[38;2;25", "5;0;0mred", ESC + "[48;2;0;0;", "255mblue" + ESC, ""));
        assertThat(written).isEqualTo(List.of("x", ESC + "[38;5;196mred", "", ESC + "[48;5;21mblue", "", ESC, ""));
    }
}
