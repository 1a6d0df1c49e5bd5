package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay and verification end to end (real gateway, agent, psql, PostgreSQL, and a terminal under
 * {@code script}): a psql session's timeline with an error, a terminal session as asciicast that
 * replays to the recorded output, both sealed, and a byte changed in the gateway's database found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayThroughHoopTest {
    @TempDir
    static Path work;
    HoopStack stack;
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createPostgresConnection("pg");
        stack.createConnection("sh", "command-line", Map.of(), "bash", "--norc", "--noprofile");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private String download(String sessionId, String format) throws Exception {
        var r = stack.send("GET", "/api/sessions/" + sessionId + "/download?format=" + format, stack.token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private void awaitDone(String sessionId) throws Exception {
        HoopStack.await("session " + sessionId + " is flushed", Duration.ofSeconds(30), () -> {
            try {
                return stack.get("/api/sessions/" + sessionId).get("session").get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void endProcesses(String commandPart) {
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(commandPart)) {
                child.destroy();
            }
        }
    }

    @Test
    void aPsqlSessionsTimelineHasEachStatementWithRowsAndTheErrorAndItsSealCatchesAChangedByte() throws Exception {
        int port = stack.connect("pg", "connect-pg");
        Psql psql = new Psql(work);
        assertThat(psql.run(port, "x", "-c", "select g from generate_series(1, 3) g").exit()).isZero();
        Psql.Result failed = psql.run(port, "x", "-c", "select * from no_such_table");
        assertThat(failed.err()).contains("no_such_table");
        String sessionId = stack.get("/api/sessions?connection=pg&verb=connect").get("data").get(0).get("id").asText();
        endProcesses("connect pg");
        awaitDone(sessionId);

        JsonNode timeline = json.readTree(download(sessionId, "timeline"));
        List<JsonNode> statements = StreamSupport.stream(timeline.get("statements").spliterator(), false).toList();
        JsonNode select = statements.stream().filter(s -> s.get("sql").asText().equals("select g from generate_series(1, 3) g")).findFirst().orElseThrow();
        assertThat(select.get("tag").asText()).isEqualTo("SELECT 3");
        assertThat(select.get("rows").asLong()).isEqualTo(3);
        assertThat(select.get("error").isNull()).isTrue();
        assertThat(select.get("duration_ms").asLong()).isBetween(0L, 10_000L);
        JsonNode error = statements.stream().filter(s -> s.get("sql").asText().equals("select * from no_such_table")).findFirst().orElseThrow();
        assertThat(error.get("error").asText()).isEqualTo("ERROR 42P01: relation \"no_such_table\" does not exist");
        assertThat(error.get("tag").isNull()).isTrue();
        assertThat(error.get("duration_ms").isNumber()).isTrue();

        assertThat(stack.get("/api/sessions/" + sessionId + "/verify").get("valid").asBoolean()).isTrue();
        HoopProcess.Result ok = stack.exec("", "admin", "verify", "session", sessionId);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("session " + sessionId + ": valid (");
        HoopStack.sql("jdbc:postgresql://127.0.0.1:5432/" + stack.gatewayDb,
                "UPDATE hoop.session_events SET data = convert_to('select * from other_table', 'UTF8') "
                        + "WHERE session_id = '" + sessionId + "' AND convert_from(data, 'UTF8') = 'select * from no_such_table'");
        JsonNode verify = stack.get("/api/sessions/" + sessionId + "/verify");
        assertThat(verify.get("valid").asBoolean()).isFalse();
        assertThat(verify.get("problems").get(0).asText()).matches("event \\d+ \\(type i at \\+\\d+ ms, 25 bytes\\) differs from what was sealed: .*");
        HoopProcess.Result bad = stack.exec("", "admin", "verify", "session", sessionId);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).startsWith("session " + sessionId + ": NOT valid\n  - event ").contains("differs from what was sealed");
    }

    @Test
    void aTerminalSessionDownloadsAsAsciicastThatReplaysToTheRecordedOutput() throws Exception {
        List<String> command = List.of("script", "-qfec", stack.hoop.hoop() + " connect sh", "/dev/null");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve("terminal.out").toFile()).redirectError(work.resolve("terminal.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HOOP_"));
        pb.environment().putAll(stack.userEnv());
        pb.environment().put("HOME", work.resolve("home").toString());
        pb.environment().put("HOOP_NO_BUILD", "1");
        pb.environment().put("TERM", "xterm");
        Process terminal = pb.start();
        HoopStack.await("the terminal session is open", Duration.ofSeconds(30), () -> {
            try {
                JsonNode data = stack.get("/api/sessions?connection=sh&verb=connect").get("data");
                return data.size() > 0 && data.get(0).get("status").asText().equals("open");
            } catch (Exception e) {
                return false;
            }
        });
        String sessionId = stack.get("/api/sessions?connection=sh&verb=connect").get("data").get(0).get("id").asText();
        Path screen = work.resolve("terminal.out");
        try (OutputStream keys = terminal.getOutputStream()) {
            // Type only once the shell waits at its prompt ("bash-5.2$ ", "# " as root), and exit once it ran the command.
            awaitScreen(screen, "the shell's prompt", ReplayThroughHoopTest::atPrompt);
            keys.write("echo replay-$((6*7))-é\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            awaitScreen(screen, "the echo's output and the next prompt", shown -> shown.contains("replay-42-é") && atPrompt(shown));
            keys.write("exit\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }
        if (!terminal.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            terminal.destroyForcibly();
        }
        awaitDone(sessionId);

        String cast = download(sessionId, "asciicast");
        List<String> lines = cast.lines().toList();
        JsonNode header = json.readTree(lines.getFirst());
        assertThat(header.get("version").asInt()).isEqualTo(2);
        assertThat(header.get("width").asInt()).isPositive();
        assertThat(header.get("height").asInt()).isPositive();
        StringBuilder replayed = new StringBuilder();
        double last = 0;
        for (String line : lines.subList(1, lines.size())) {
            JsonNode event = json.readTree(line);
            assertThat(event.isArray() && event.size() == 3).as(line).isTrue();
            assertThat(event.get(0).asDouble()).as("times never go back").isGreaterThanOrEqualTo(last);
            last = event.get(0).asDouble();
            assertThat(event.get(1).asText()).isIn("o", "i", "r");
            if (event.get(1).asText().equals("o")) {
                replayed.append(event.get(2).asText());
            }
        }
        // the recorded output bytes, from the API's events, decoded as one stream
        JsonNode events = stack.get("/api/sessions/" + sessionId).get("events");
        java.io.ByteArrayOutputStream recorded = new java.io.ByteArrayOutputStream();
        List<String> sizes = new ArrayList<>();
        for (JsonNode e : events) {
            byte[] data = e.get("encoding").asText().equals("base64") ? Base64.getDecoder().decode(e.get("data").asText())
                    : e.get("data").asText().getBytes(StandardCharsets.UTF_8);
            if (e.get("type").asText().equals("o")) {
                recorded.writeBytes(data);
            } else if (e.get("type").asText().equals("w")) {
                sizes.add(e.get("data").asText());
            }
        }
        assertThat(replayed.toString()).isEqualTo(recorded.toString(StandardCharsets.UTF_8));
        assertThat(replayed.toString()).contains("replay-42-é");
        assertThat(sizes).isNotEmpty();
        JsonNode first = json.readTree(sizes.getFirst());
        assertThat(header.get("width").asInt()).isEqualTo(first.get("cols").asInt());
        assertThat(header.get("height").asInt()).isEqualTo(first.get("rows").asInt());
        assertThat(stack.get("/api/sessions/" + sessionId + "/verify").get("valid").asBoolean()).isTrue();
    }

    /** What the terminal showed so far (a character cut at the end of the file is replaced, not an error). */
    private static String text(Path screen) {
        try {
            return new String(java.nio.file.Files.readAllBytes(screen), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void awaitScreen(Path screen, String what, java.util.function.Predicate<String> shows) throws InterruptedException {
        try {
            HoopStack.await(what, Duration.ofSeconds(30), () -> shows.test(text(screen)));
        } catch (AssertionError e) {
            String shown = text(screen);
            throw new AssertionError(e.getMessage() + "; the terminal showed (last 300 characters): "
                    + shown.substring(Math.max(0, shown.length() - 300)).replace("\u001b", "\\e"), e);
        }
    }

    /** Whether the terminal's last output is a shell prompt: the shell waits for a command. */
    private static boolean atPrompt(String shown) {
        return shown.endsWith("$ ") || shown.endsWith("# ");
    }
}
