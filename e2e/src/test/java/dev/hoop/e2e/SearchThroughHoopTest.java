package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session search end to end: sessions run with {@code hoop exec} through the real gateway and agent
 * are found with {@code hoop admin get sessions -q}, ranked, with the match in the MATCH column;
 * a bad query is the gateway's 400 message on stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchThroughHoopTest {
    @TempDir
    static java.nio.file.Path work;
    HoopStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createConnection("shell", "command-line", Map.of(), "bash");
        stack.createPostgresConnection("pg");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void execsAreFoundByQualifiersWordsAndPhrases() throws Exception {
        assertThat(stack.exec("", "exec", "shell", "-i", "echo quarterly-report ready; exit 3").exit()).isEqualTo(3);
        assertThat(stack.exec("", "exec", "shell", "-i", "echo all good").exit()).isZero();
        assertThat(stack.exec("", "exec", "pg", "-i", "select 1/0 as quarterly").exit()).isEqualTo(1);

        HoopProcess.Result errors = stack.exec("", "admin", "get", "sessions", "-q", "is:error connection:shell");
        assertThat(errors.exit()).as(errors.err()).isZero();
        String[] lines = errors.out().split("\n");
        assertThat(lines[0]).startsWith("ID").contains("CONNECTION").contains("SCORE").endsWith("MATCH");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).contains("shell").contains(" 3 ");

        HoopProcess.Result words = stack.exec("", "admin", "get", "sessions", "-q", "quarterly", "-o", "json");
        assertThat(words.exit()).as(words.err()).isZero();
        JsonNode page = new ObjectMapper().readTree(words.out());
        assertThat(page.get("data")).hasSize(2);
        HoopProcess.Result phrase = stack.exec("", "admin", "get", "sessions", "-q", "\"division by zero\" type:postgres");
        assertThat(phrase.out()).contains("[[division by zero]]").contains("pg");

        HoopProcess.Result bad = stack.exec("", "admin", "get", "sessions", "-q", "conn:shell");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("q: unknown qualifier 'conn:'");
    }
}
