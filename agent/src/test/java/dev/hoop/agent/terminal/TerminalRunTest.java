package dev.hoop.agent.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.agent.exec.CollectedOutput;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.Commands;
import dev.hoop.common.wire.ConnectionParams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An interactive shell on a real pty. */
class TerminalRunTest {
    private static CommandSpec shell() {
        return Commands.resolve(new ConnectionParams("sh", "command-line", List.of("sh"), Map.of("PS1", "$ ")),
                List.of(), Map.of("PATH", System.getenv("PATH")));
    }

    @Test
    void runsOnAPtyResizesAndReportsTheExitCode() throws Exception {
        CollectedOutput out = new CollectedOutput();
        TerminalRun t = TerminalRun.start(shell(), new TtySize(30, 90), out);
        type(t, "tty\n");
        awaitOutput(out, "/dev/pts/");
        type(t, "stty size\n");
        awaitOutput(out, "30 90");
        t.resize(new TtySize(40, 100));
        type(t, "stty size\n");
        awaitOutput(out, "40 100");
        type(t, "exit 5\n");
        assertThat(out.awaitExit()).isEqualTo(5);
    }

    @Test
    void aMissingProgramIsReportedOnTheTerminalWith127() throws Exception {
        CollectedOutput out = new CollectedOutput();
        CommandSpec missing = Commands.resolve(new ConnectionParams("x", "command-line", List.of("no-such-shell-xyz"), Map.of()),
                List.of(), Map.of("PATH", System.getenv("PATH")));
        TerminalRun.start(missing, TtySize.DEFAULT, out);
        assertThat(out.awaitExit()).isEqualTo(127);
        assertThat(out.stdoutText()).isEqualTo("command not found: no-such-shell-xyz\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"rows\":40,\"cols\":100}|40|100",
        "{\"cols\":1,\"rows\":10000}|10000|1",
    })
    void parsesSizes(String json, int rows, int cols) {
        assertThat(TtySize.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(new TtySize(rows, cols));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"rows\":\"40\",\"cols\":100}|malformed terminal size (expected: JSON {\"rows\":R,\"cols\":C})",
        "40x100|malformed terminal size (expected: JSON {\"rows\":R,\"cols\":C})",
        "{\"rows\":0,\"cols\":100}|terminal size 0x100 is out of range (expected: 1 to 10000 rows and cols)",
    })
    void rejectsBadSizes(String json, String message) {
        assertThatThrownBy(() -> TtySize.parse(json.getBytes(StandardCharsets.UTF_8))).hasMessage(message);
    }

    private static void type(TerminalRun t, String keys) {
        t.write(keys.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static void awaitOutput(CollectedOutput out, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.stdoutText().contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("terminal output has no '" + expected + "': " + out.stdoutText());
            }
            LockSupport.parkNanos(5_000_000);
        }
    }
}
