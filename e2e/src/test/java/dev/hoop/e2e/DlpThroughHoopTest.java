package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google DLP as the agent's masking provider, end to end: real gateway and agent processes (the
 * agent with GOOGLE_APPLICATION_CREDENTIALS_JSON), real PostgreSQL and psql, and a local stand-in
 * of the DLP API ({@link DlpStandIn}; the real one cannot be reached here). Masked rows arrive and
 * are counted; with the stand-in gone, psql gets an error and no clear value, and neither does the audit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DlpThroughHoopTest {
    @TempDir
    static Path work;
    HoopStack stack;
    DlpStandIn dlp;
    Psql psql;
    int port;

    @BeforeAll
    void start() throws Exception {
        dlp = new DlpStandIn();
        stack = new HoopStack(work);
        stack.agentEnv = dlp.agentEnv();
        stack.install();
        HoopStack.sql(stack.targetUrl(), "CREATE TABLE people (id int, email text, note text)",
                "INSERT INTO people SELECT g, 'user' || g || '@example.com', 'row ' || g FROM generate_series(1, 500) g");
        HoopProcess.Result r = stack.exec("", "admin", "create", "connection", "pgdlp", "--type", "postgres", "--agent", "e2e-agent",
                "-e", "HOST=127.0.0.1", "-e", "PORT=5432", "-e", "USER=postgres", "-e", "PASS=unused", "-e", "DB=" + stack.targetDb,
                "-p", "dlp:EMAIL_ADDRESS;format:TOKEN");
        assertThat(r.exit()).as(r.err()).isZero();
        port = stack.connect("pgdlp", "connect-pgdlp");
        psql = new Psql(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
        dlp.close();
    }

    @Test
    @Order(1)
    void rowsAreMaskedByDlpAndCounted() throws Exception {
        Psql.Result r = psql.run(port, "x", "-c", "select id, email, note from people order by id");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(500);
        assertThat(r.out()).doesNotContain("@example.com");
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo("1|[EMAIL_ADDRESS]|row 1");
        assertThat(dlp.valuesSeen).contains("user1@example.com").doesNotContain("email"); // values, never column names
        assertThat(dlp.refusals).isEmpty();
        // An exec session ends with the query: the gateway then stores its final counts (a connect session's
        // are stored at most once a second while it runs, so the last update may wait for the session's end).
        HoopProcess.Result exec = stack.exec("", "exec", "pgdlp", "-i", "select email from people where id <= 120");
        assertThat(exec.exit()).as(exec.err()).isZero();
        assertThat(exec.out()).contains("[EMAIL_ADDRESS]").doesNotContain("@example.com");
        StringBuilder seen = new StringBuilder();
        try {
            HoopStack.await("the exec session counts DLP's redactions", Duration.ofSeconds(15), () -> {
                try {
                    seen.setLength(0);
                    for (JsonNode s : stack.get("/api/sessions?connection=pgdlp&verb=exec&limit=50").get("data")) {
                        seen.append(s.path("redactions")).append(' ');
                        if (s.path("redactions").path("EMAIL_ADDRESS").asLong() == 120) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; sessions' redactions: " + seen, e);
        }
    }

    @Test
    @Order(2)
    void withTheStandInGoneTheClientGetsAnErrorAndNoClearData() throws Exception {
        dlp.close();
        Psql.Result r = psql.run(port, "x", "-c", "select email from people where id = 7");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out() + r.err()).doesNotContain("user7@example.com");
        assertThat(r.err()).contains("data masking: ").contains("no answer from " + dlp.baseUrl() + "/v2/projects/e2e-project/content:deidentify");
        // The audit holds only what the client could have got.
        HoopStack.await("the failed session is recorded", Duration.ofSeconds(10), () -> {
            try {
                for (JsonNode s : stack.get("/api/sessions?connection=pgdlp&limit=50").get("data")) {
                    JsonNode detail = stack.get("/api/sessions/" + s.get("id").asText());
                    if (detail.toString().contains("id = 7")) {
                        assertThat(detail.toString()).doesNotContain("user7@example.com");
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        // Nor do the agent's logs hold the key or a token.
        String logs = stack.read("agent.out") + stack.read("agent.err");
        assertThat(logs).contains("Google DLP").doesNotContain("PRIVATE KEY").doesNotContain("e2e-token-");
    }
}
