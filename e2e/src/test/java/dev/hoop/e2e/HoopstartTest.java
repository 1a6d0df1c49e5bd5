package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/hoopstart -- <command>} with the real agent and gateway: the command's exit code and
 * signals, the agent's start and stop around it, and an agent that cannot start.
 */
class HoopstartTest {
    /** The app: notes the signals it gets, exits with the number written to {@code stop}. */
    static final String APP = """
            #!/usr/bin/env bash
            trap 'echo TERM >> events; exit 42' TERM
            trap 'echo INT >> events; exit 43' INT
            trap 'echo HUP >> events; exit 44' HUP
            trap 'echo USR1 >> events; exit 45' USR1
            echo ready >> events
            while [ ! -s stop ]; do sleep 0.1; done
            exit "$(cat stop)"
            """;
    private static final Pattern AGENT_PID = Pattern.compile("hoopstart: agent started \\(pid (\\d+)\\)");

    @TempDir static Path shared;
    static HoopStack stack;
    @TempDir Path work;
    private final Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();

    @BeforeAll
    static void gateway() throws Exception {
        stack = new HoopStack(shared);
        stack.startGatewayWithAdmin();
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theCommandsExitCodeIsHoopstartsAndTheAgentStopsWithTheCommand() throws Exception {
        String dsn = stack.createAgentWithCli("hs-exit");
        Path app = app();
        Process hs = hoopstart(Map.of("HOOP_DSN", dsn), "hs", app.toString());
        long agentPid = agentPid("hs");
        stack.awaitAgent("hs-exit", "CONNECTED");
        awaitFile("events", "ready\n");
        assertThat(hs.isAlive()).isTrue();

        Files.writeString(work.resolve("stop"), "7");
        assertThat(hs.waitFor(60, TimeUnit.SECONDS)).as("hoopstart ends after the command").isTrue();
        assertThat(hs.exitValue()).isEqualTo(7);
        String err = read("hs.err");
        assertThat(err).contains("hoopstart: agent started (pid " + agentPid + "); running '" + app + "'\n",
                "hoopstart: '" + app + "' exited with code 7; agent stopped\n");
        assertThat(err).doesNotContain("did not stop within", "keeps running without it");
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).as("the agent process is gone").isNotEqualTo(java.util.Optional.of(true));
        stack.awaitAgent("hs-exit", "DISCONNECTED");
        // the agent's key is a secret: neither hoopstart nor the agent prints it
        String secret = dsn.substring(dsn.indexOf("xagt-"), dsn.indexOf('@'));
        assertThat(err + read("hs.out")).doesNotContain(secret);
    }

    @ParameterizedTest(name = "SIG{0} reaches the command, which exits {1}")
    @CsvSource({"TERM, 42", "INT, 43", "HUP, 44", "USR1, 45"})
    void aSignalToHoopstartReachesTheCommandAndTheAgentStopsAfterIt(String signal, int code) throws Exception {
        String name = "hs-" + signal.toLowerCase();
        String dsn = stack.createAgentWithCli(name);
        Path app = app();
        Process hs = hoopstart(Map.of("HOOP_DSN", dsn), "hs", app.toString());
        long agentPid = agentPid("hs");
        stack.awaitAgent(name, "CONNECTED");
        awaitFile("events", "ready\n");

        kill(signal, hs.pid());
        assertThat(hs.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(hs.exitValue()).as(read("hs.err")).isEqualTo(code);
        assertThat(Files.readString(work.resolve("events"))).isEqualTo("ready\n" + signal + "\n");
        assertThat(read("hs.err")).contains("hoopstart: '" + app + "' exited with code " + code + "; agent stopped\n");
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        stack.awaitAgent(name, "DISCONNECTED");
    }

    @Test
    void aCommandEndedByASignalGivesTheShellsCode() throws Exception {
        Process hs = hoopstart(Map.of(), "hs", "sleep", "600");
        HoopStack.await("hoopstart has started sleep", Duration.ofSeconds(30),
                () -> hs.children().anyMatch(c -> c.info().command().orElse("").endsWith("sleep")));
        kill("TERM", hs.pid());
        assertThat(hs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hs.exitValue()).isEqualTo(128 + 15);
    }

    @Test
    void anAgentThatCannotStartLeavesTheCommandRunningAndTheReasonIsLogged() throws Exception {
        Path app = app();
        Process hs = hoopstart(Map.of("HOOP_DSN", "not-a-dsn"), "hs", app.toString());
        awaitFile("events", "ready\n");
        HoopStack.await("hoopstart logs the agent's end", Duration.ofSeconds(60), () -> read("hs.err").contains("keeps running"));
        assertThat(hs.isAlive()).as("the command still runs").isTrue();
        assertThat(read("hs.err")).contains(
                "hoop start agent: HOOP_DSN: key scheme '' is not supported (expected: grpc, grpcs, http or https)\n",
                "hoopstart: the agent exited with code 2; '" + app + "' keeps running without it\n");

        Files.writeString(work.resolve("stop"), "0");
        assertThat(hs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hs.exitValue()).isZero();
        assertThat(read("hs.err")).doesNotContain("agent stopped");
    }

    @Test
    void anAgentThatDoesNotStopOnSigtermIsKilledAfterTheTimeout() throws Exception {
        String dsn = stack.createAgentWithCli("hs-stuck");
        Process hs = hoopstart(Map.of("HOOP_DSN", dsn, "HOOPSTART_STOP_TIMEOUT", "1"), "hs", app().toString());
        long agentPid = agentPid("hs");
        stack.awaitAgent("hs-stuck", "CONNECTED");
        awaitFile("events", "ready\n");
        kill("STOP", agentPid); // a stopped process acts on SIGTERM only when continued; SIGKILL still ends it

        Files.writeString(work.resolve("stop"), "3");
        assertThat(hs.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hs.exitValue()).isEqualTo(3);
        assertThat(read("hs.err")).contains("hoopstart: the agent did not stop within 1 s of SIGTERM; killing it\n");
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void withoutHoopDsnTheCommandRunsAloneWithItsStandardInput() throws Exception {
        HoopProcess.Result r = hoop().runProgram(hoopstart(), Map.of(), "hello\nworld\n", "--", "cat");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("hello\nworld\n");
        assertThat(r.err()).isEqualTo("hoopstart: HOOP_DSN is not set: running 'cat' without the agent"
                + " (set HOOP_DSN to an agent key to start one)\n");
    }

    @ParameterizedTest(name = "hoopstart {0} exits {1}")
    @CsvSource(delimiter = '|', value = {
        "''                      | 2",
        "ls                      | 2",
        "--                      | 2",
        "-- no-such-command-hs   | 127",
        "-- NOT_EXECUTABLE       | 126"})
    void wrongCommandLines(String args, int code) throws Exception {
        Path notExecutable = Files.writeString(work.resolve("not-executable"), "echo hi\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-------"));
        String[] argv = args.isBlank() ? new String[0]
                : args.trim().replace("NOT_EXECUTABLE", notExecutable.toString()).split("\\s+");
        HoopProcess.Result r = hoop().runProgram(hoopstart(), Map.of(), "", argv);
        assertThat(r.exit()).as(r.err()).isEqualTo(code);
        if (code == 2) {
            assertThat(r.err()).isEqualTo("usage: hoopstart -- <command> [args...]   (the agent runs in the background while the command runs)\n");
        }
    }

    @Test
    void aWrongStopTimeoutIsNamed() throws Exception {
        HoopProcess.Result r = hoop().runProgram(hoopstart(), Map.of("HOOPSTART_STOP_TIMEOUT", "10s"), "", "--", "true");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hoopstart: HOOPSTART_STOP_TIMEOUT='10s' (expected: whole seconds, 0 to 9999)\n");
    }

    // --- helpers ------------------------------------------------------------------------------------

    private HoopProcess hoop() {
        return new HoopProcess(root, work, Map.of());
    }

    private Path hoopstart() {
        return root.resolve("bin/hoopstart");
    }

    private Process hoopstart(Map<String, String> env, String name, String... command) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.put("LOG_ENCODING", "console");
        String[] args = new String[command.length + 1];
        args[0] = "--";
        System.arraycopy(command, 0, args, 1, command.length);
        return hoop().startProgram(hoopstart(), e, name, args);
    }

    private Path app() throws IOException {
        Path app = work.resolve("app.sh");
        Files.writeString(app, APP);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwx------"));
        return app;
    }

    private long agentPid(String name) throws InterruptedException {
        long[] pid = new long[1];
        HoopStack.await("hoopstart names the agent's pid", Duration.ofSeconds(30), () -> {
            Matcher m = AGENT_PID.matcher(read(name + ".err"));
            if (m.find()) {
                pid[0] = Long.parseLong(m.group(1));
                return true;
            }
            return false;
        });
        return pid[0];
    }

    private void awaitFile(String file, String content) throws InterruptedException {
        HoopStack.await(file + " holds " + content.strip(), Duration.ofSeconds(30), () -> read(file).equals(content));
    }

    private String read(String file) {
        try {
            Path p = work.resolve(file);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void kill(String signal, long pid) throws IOException, InterruptedException {
        Process k = new ProcessBuilder(List.of("kill", "-s", signal, Long.toString(pid))).inheritIO().start();
        assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(k.exitValue()).as("kill -s " + signal + " " + pid).isZero();
    }
}
