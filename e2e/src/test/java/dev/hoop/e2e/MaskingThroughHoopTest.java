package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data masking end to end: connections with the dlp plugin set by {@code hoop admin create
 * connection -p}, real gateway and agent processes, real PostgreSQL, psql and pgjdbc (text and
 * binary results), exec of SQL and of a shell command, COPY, fail closed, and the redaction counts
 * and the audit in the sessions API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskingThroughHoopTest {
    static final String SSN = "078-05-1120";
    @TempDir
    static Path work;
    HoopStack stack;
    Psql psql;
    /** Masks e-mail addresses (TOKEN format) and the whole "ssn" column. */
    int maskedPort;
    /** Masks e-mail addresses only (no column rules: COPY works). */
    int emailPort;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        HoopStack.sql(stack.targetUrl(),
                "CREATE TABLE people (id int, email text, ssn text, note varchar(200), age int)",
                "INSERT INTO people VALUES (1, 'jane.doe@example.com', '" + SSN + "', 'write to bob@example.org', 41),"
                        + " (2, NULL, NULL, NULL, NULL), (3, 'x@example.net', '111-22-3333', 'plain', 7)");
        String target = "HOST=127.0.0.1";
        for (String[] c : new String[][] {{"pgm", "dlp:EMAIL_ADDRESS;column:ssn;format:TOKEN"}, {"pgc", "dlp:EMAIL_ADDRESS;format:TOKEN"}}) {
            HoopProcess.Result r = stack.exec("", "admin", "create", "connection", c[0], "--type", "postgres", "--agent", "e2e-agent",
                    "-e", target, "-e", "PORT=5432", "-e", "USER=postgres", "-e", "PASS=unused", "-e", "DB=" + stack.targetDb, "-p", c[1]);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("plugin 'dlp' enabled");
        }
        HoopProcess.Result sh = stack.exec("", "admin", "create", "connection", "shm", "--type", "command-line", "--agent", "e2e-agent",
                "-p", "dlp:EMAIL_ADDRESS;format:TOKEN", "--", "sh");
        assertThat(sh.exit()).as(sh.err()).isZero();
        maskedPort = stack.connect("pgm", "connect-pgm");
        emailPort = stack.connect("pgc", "connect-pgc");
        psql = new Psql(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void theRulesAreKeptInTheDlpPluginAndBadOnesAreRefused() throws Exception {
        JsonNode dlp = stack.get("/api/plugins/dlp");
        List<String> names = new ArrayList<>();
        dlp.get("connections").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("pgm", "pgc", "shm");
        HoopProcess.Result bad = stack.exec("", "admin", "create", "connection", "pgbad", "--type", "postgres", "--agent", "e2e-agent",
                "-e", "HOST=127.0.0.1", "-p", "dlp:NOT_A_TYPE");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("unknown info type 'NOT_A_TYPE'").contains("was not created");
        assertThat(stack.send("GET", "/api/connections/pgbad", stack.token, null).statusCode()).isEqualTo(404);
    }

    @Test
    void psqlTextResultsAreMaskedPerColumnWithNullsKept() throws Exception {
        Psql.Result r = psql.run(maskedPort, "x", "-c", "select id, email, ssn, note, age from people order by id");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("jane.doe@example.com", "bob@example.org", "x@example.net", SSN, "111-22-3333");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("1|[EMAIL_ADDRESS]|").contains("|write to [EMAIL_ADDRESS]|41");
        assertThat(lines.get(1)).isEqualTo("2||||");
        assertThat(lines.get(2)).startsWith("3|[EMAIL_ADDRESS]|").endsWith("|plain|7");
    }

    @Test
    void manyWideRowsAreMasked() throws Exception {
        StringBuilder cols = new StringBuilder("g");
        for (int i = 1; i < 10; i++) {
            cols.append(", 'user' || g || '-").append(i).append("@example.com' as c").append(i);
        }
        Psql.Result r = psql.run(maskedPort, "x", "-c", "select " + cols + " from generate_series(1, 1000) g");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(1000);
        assertThat(r.out()).doesNotContain("@example.com");
        assertThat(count(r.out(), "[EMAIL_ADDRESS]")).isEqualTo(9000);
    }

    @Test
    void pgjdbcBinaryTextColumnsAreMaskedAlsoForReusedStatements() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + maskedPort + "/x?prepareThreshold=-1&binaryTransferEnable=25,1043";
        try (Connection c = DriverManager.getConnection(url, "anyone", "any")) {
            for (int i = 0; i < 8; i++) { // the later executions reuse the server-side statement without a describe
                try (PreparedStatement ps = c.prepareStatement("select email, note, age from people where id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("[EMAIL_ADDRESS]");
                        assertThat(rs.getString(2)).isEqualTo("write to [EMAIL_ADDRESS]");
                        assertThat(rs.getInt(3)).isEqualTo(41);
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select ssn, email from people where id = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isNull();
                assertThat(rs.getString(2)).isNull();
            }
        }
    }

    @Test
    void aColumnRuleOnABinaryNumberFailsClosed() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + maskedPort + "/x?prepareThreshold=-1";
        try (Connection c = DriverManager.getConnection(url, "anyone", "any");
             PreparedStatement ps = c.prepareStatement("select 78051120::int4 as ssn")) {
            assertThatThrownBy(ps::executeQuery).hasMessageContaining("data masking").hasMessageContaining("column \"ssn\"")
                    .hasMessageNotContaining("78051120");
        }
    }

    @Test
    void copyOutIsMaskedAndRefusedWhereColumnRulesCannotApply() throws Exception {
        Psql.Result r = psql.run(emailPort, "x", "-c", "copy (select id, email, note from people order by id) to stdout with (format csv)");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("1,[EMAIL_ADDRESS],write to [EMAIL_ADDRESS]\n2,,\n3,[EMAIL_ADDRESS],plain\n");
        Psql.Result text = psql.run(emailPort, "x", "-c", "copy (select email from people where id = 1) to stdout");
        assertThat(text.out()).isEqualTo("[EMAIL_ADDRESS]\n");

        Psql.Result refused = psql.run(maskedPort, "x", "-c", "copy (select ssn from people) to stdout");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).doesNotContain(SSN);
        assertThat(refused.err()).contains("column masking rules");

        Psql.Result binary = psql.run(emailPort, "x", "-c", "copy (select email from people) to stdout with (format binary)");
        assertThat(binary.exit()).isNotZero();
        assertThat(binary.out()).doesNotContain("jane.doe");
        assertThat(binary.err()).contains("binary COPY cannot be masked");
    }

    @Test
    void execOfSqlIsMaskedPerColumn() throws Exception {
        HoopProcess.Result r = stack.exec("", "exec", "pgm", "-i", "select email, ssn, note from people where id = 1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("[EMAIL_ADDRESS]").doesNotContain("jane.doe@example.com", SSN, "bob@example.org");
    }

    @Test
    void execOfACommandIsMaskedAcrossChunksAndCountedInTheSession() throws Exception {
        // ~90 KB of output: the addresses straddle the agent's read chunks.
        HoopProcess.Result r = stack.exec("", "exec", "shm", "-i",
                "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); printf 'row %d user%d@example.com;' $i $i; done; echo; echo err@example.com >&2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("@example.com");
        assertThat(count(r.out(), "[EMAIL_ADDRESS]")).isEqualTo(3000);
        assertThat(r.err()).contains("[EMAIL_ADDRESS]").doesNotContain("err@example.com");

        JsonNode list = stack.get("/api/sessions?connection=shm&limit=1");
        String id = list.get("data").get(0).get("id").asText();
        JsonNode detail = stack.get("/api/sessions/" + id);
        assertThat(detail.get("session").get("redactions").get("EMAIL_ADDRESS").asLong()).isEqualTo(3001);
        // The audit holds what the client got: masked (the input, the user's own script, is kept as typed).
        StringBuilder output = new StringBuilder();
        detail.get("events").forEach(e -> {
            if (!e.get("type").asText().equals("i")) {
                output.append(e.get("data").asText());
            }
        });
        assertThat(output.toString()).doesNotContain("@example.com").contains("[EMAIL_ADDRESS]");
    }

    @Test
    void postgresSessionsCountTheirRedactions() throws Exception {
        int port = stack.connect("pgc", "connect-pgc-count");
        Psql.Result r = psql.run(port, "x", "-c", "select email from people where id in (1, 3)");
        assertThat(r.exit()).as(r.err()).isZero();
        HoopStack.await("a pgc session has its redactions", java.time.Duration.ofSeconds(5), () -> {
            try {
                for (JsonNode s : stack.get("/api/sessions?connection=pgc&limit=50").get("data")) {
                    if (s.path("redactions").path("EMAIL_ADDRESS").asLong() > 0) {
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static int count(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
