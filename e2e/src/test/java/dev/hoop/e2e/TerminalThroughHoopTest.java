package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop connect} on a command-line connection, run on a real pty as a user's terminal: the
 * local terminal is fully raw, so Ctrl-C interrupts the remote command and the session goes on,
 * Ctrl-Z stops the remote job (not hoop), {@code ~.} disconnects, and afterwards the terminal's
 * settings are back as they were ({@code stty -a} run on the same pty after hoop exits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalThroughHoopTest {
    private static final String PROMPT = "remote-ready> ";

    @TempDir
    static Path work;
    HoopStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        // PS1 from the environment: bash without rc files keeps it
        stack.createConnection("tty", "command-line", Map.of("PS1", PROMPT), "bash", "--norc", "--noprofile");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    /** A pty whose output is collected as it comes. */
    private static final class Pty implements AutoCloseable {
        final PtyProcess process;
        private final StringBuffer seen = new StringBuffer();
        private final OutputStream keys;

        Pty(String[] command, Map<String, String> env, Path dir) throws IOException {
            process = new PtyProcessBuilder(command).setEnvironment(env).setDirectory(dir.toString())
                    .setInitialColumns(120).setInitialRows(40).setConsole(false).start();
            keys = process.getOutputStream();
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[4096];
                try (InputStream in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the pty closed: the process ended
                }
            });
        }

        String output() {
            return seen.toString();
        }

        /** Waits until the output after {@code from} contains {@code text}; returns the index after it. */
        int await(String what, int from, String text) throws InterruptedException {
            HoopStack.await(what + " (output so far: " + output().substring(Math.min(from, output().length())) + ")",
                    Duration.ofSeconds(30), () -> output().indexOf(text, from) >= 0);
            return output().indexOf(text, from) + text.length();
        }

        void type(String text) throws IOException {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void ctrlCInterruptsTheRemoteCommandTheSessionGoesOnAndTheTerminalIsRestored() throws Exception {
        String hoop = stack.hoop.hoop().toString();
        // after hoop: its exit code, then the terminal settings as hoop left them
        String script = "'" + hoop + "' connect tty; echo \"hoop-exit=$?\"; stty -a; "
                + "'" + hoop + "' connect tty; echo \"hoop-exit-2=$?\"; stty -a; echo all-done";
        Map<String, String> env = stack.hoop.environment(stack.userEnv());
        try (Pty pty = new Pty(new String[] {"bash", "--norc", "--noprofile", "-c", script}, env, work)) {
            int at = pty.await("the remote shell's prompt", 0, PROMPT);

            pty.type("sleep 60; echo slept-through\r");
            at = pty.await("the remote pty echoes the command", at, "echo slept-through");
            pty.type("\u0003"); // Ctrl-C, as the keyboard sends it
            // the interrupted sleep gives a new prompt long before its 60 s, and the session is still there
            at = pty.await("a prompt after Ctrl-C", at, PROMPT);
            pty.type("echo alive-$((40+2))\r");
            at = pty.await("the session goes on after Ctrl-C", at, "alive-42");
            assertThat(pty.output()).doesNotContain("\nslept-through").doesNotContain("hoop-exit=");

            pty.type("sleep 61\r");
            at = pty.await("the remote pty echoes sleep 61", at, "sleep 61");
            pty.type("\u001a"); // Ctrl-Z stops the remote job, not hoop
            at = pty.await("the remote job is stopped", at, "Stopped");
            pty.type("kill %1; echo still-here\r");
            at = pty.await("the session goes on after Ctrl-Z", at, "still-here");
            assertThat(pty.process.isAlive()).isTrue();

            pty.type("exit 7\r");
            at = pty.await("hoop ends with the remote exit code", at, "hoop-exit=7");
            int settings = at;
            at = pty.await("stty's report", at, "extproc");
            String stty = pty.output().substring(settings);
            assertThat(stty).containsPattern("(^|\\s)isig\\s").containsPattern("(^|\\s)icanon\\s").containsPattern("(^|\\s)echo\\s")
                    .containsPattern("(^|\\s)opost\\s").containsPattern("(^|\\s)icrnl\\s")
                    .doesNotContain("-isig").doesNotContain("-icanon").doesNotContain("-echo ").doesNotContain("-opost");

            // ~. at the start of a line disconnects, and the terminal is restored then too
            at = pty.await("the second session's prompt", at, PROMPT);
            pty.type("\r~.");
            at = pty.await("hoop ends after ~.", at, "hoop-exit-2=1");
            int second = at;
            pty.await("everything ran", at, "all-done");
            assertThat(pty.output().substring(0, second)).contains("disconnected by ~.");
            String stty2 = pty.output().substring(second);
            assertThat(stty2).containsPattern("(^|\\s)isig\\s").containsPattern("(^|\\s)icanon\\s").doesNotContain("-isig");
            assertThat(pty.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
