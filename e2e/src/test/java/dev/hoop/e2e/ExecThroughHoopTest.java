package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoop exec} and {@code POST /api/sessions} on command-line connections (real processes) and postgres ones (SQL on the agent). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecThroughHoopTest {
    @TempDir
    static Path work;
    HoopStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createConnection("shell", "command-line", Map.of("GREETING", "hello from the agent"), "bash");
        stack.createPostgresConnection("pg");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void inputFromTheOptionAFileAndStdinWithExitCodesPassedThrough() throws Exception {
        HoopProcess.Result ok = stack.exec("", "exec", "shell", "-i", "echo \"$GREETING\"; echo to-stderr >&2");
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).isEqualTo("hello from the agent\n");
        assertThat(ok.err()).contains("to-stderr");

        Path script = work.resolve("script.sh");
        Files.writeString(script, "echo from-file\nexit 3\n");
        HoopProcess.Result three = stack.exec("", "exec", "shell", "-f", script.toString());
        assertThat(three.out()).isEqualTo("from-file\n");
        assertThat(three.exit()).isEqualTo(3);

        HoopProcess.Result piped = stack.exec("echo piped; no-such-command-here\n", "exec", "shell");
        assertThat(piped.out()).isEqualTo("piped\n");
        assertThat(piped.err()).contains("no-such-command-here: command not found");
        assertThat(piped.exit()).isEqualTo(127);
    }

    @Test
    void aPostgresExecRunsTheSqlOnTheAgentsOwnConnectionAndPrintsLikePsql() throws Exception {
        HoopProcess.Result r = stack.exec("", "exec", "pg", "-i", "select current_user, 6 * 7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(" current_user | ?column? \n--------------+----------\n postgres     |       42\n(1 row)\n\n");
    }

    @Test
    void aPostgresExecStopsAtTheFirstErrorWithExitOne() throws Exception {
        HoopProcess.Result r = stack.exec("", "exec", "pg", "-i", "select 1/0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("ERROR:  division by zero\n");
    }

    @Test
    void psqlMetaCommandsAndExtraArgumentsAreRefusedOnPostgres() throws Exception {
        HoopProcess.Result shell = stack.exec("", "exec", "pg", "-i", "\\! printenv PGPASSWORD");
        assertThat(shell.exit()).isEqualTo(1);
        assertThat(shell.out()).isEmpty();
        assertThat(shell.err()).contains("hoop: line 1: psql meta-command '\\!' refused").doesNotContain("unused");

        HoopProcess.Result args = stack.exec("select 1", "exec", "pg", "--", "-c", "select 2");
        assertThat(args.exit()).isNotZero();
        assertThat(args.err()).contains("connection 'pg' is a postgres connection: hoop exec takes no arguments after '--'");
    }

    @Test
    void theApiRunsSqlOnAPostgresConnection() throws Exception {
        JsonNode ok = stack.post("/api/sessions", Map.of("connection", "pg", "script", "select 2 as two"), 200);
        assertThat(ok.get("output").asText()).isEqualTo(" two \n-----\n   2\n(1 row)\n\n");
        assertThat(ok.get("exit_code").asInt()).isZero();
        JsonNode failed = stack.post("/api/sessions", Map.of("connection", "pg", "script", "select 1/0"), 200);
        assertThat(failed.get("exit_code").asInt()).isEqualTo(1);
    }

    @Test
    void unknownConnectionsAndBadTokensAreClearErrors() throws Exception {
        HoopProcess.Result missing = stack.exec("", "exec", "nope", "-i", "x");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("connection 'nope' not found");

        HoopProcess.Result bad = stack.hoop.run(Map.of("HOOP_APIURL", stack.api, "HOOP_GRPCURL", "grpc://127.0.0.1:" + stack.grpcPort,
                "HOOP_TOKEN", "not-a-token"), "", "exec", "shell", "-i", "true");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("hoop login");
    }

    @Test
    void theApiRunsAnExecAndRecordsIt() throws Exception {
        JsonNode r = stack.post("/api/sessions", Map.of("connection", "shell", "script", "echo api-run; exit 4"), 200);
        assertThat(r.get("output").asText()).isEqualTo("api-run\n");
        assertThat(r.get("exit_code").asInt()).isEqualTo(4);
        String id = r.get("session_id").asText();
        HoopStack.await("the session is stored", java.time.Duration.ofSeconds(10), () -> {
            try {
                // the events are readable while the session ends (live view): wait for its row too
                JsonNode d = stack.get("/api/sessions/" + id);
                return d.get("events").size() == 2 && d.get("session").get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode detail = stack.get("/api/sessions/" + id);
        assertThat(detail.get("session").get("exit_code").asInt()).isEqualTo(4);
        assertThat(detail.get("events").get(0).get("data").asText()).isEqualTo("echo api-run; exit 4");
        assertThat(detail.get("events").get(1).get("data").asText()).isEqualTo("api-run\n");
    }
}
