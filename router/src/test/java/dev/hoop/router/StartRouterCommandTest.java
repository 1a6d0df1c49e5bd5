package dev.hoop.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code --dry}: exit 0 with the effective config, or non-zero with the error. */
class StartRouterCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new StartRouterCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void dryPrintsTheEffectiveConfigAndExitsZero() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"server\": {\"workers\": 3}, \"http\": {\"port\": 8080}, \"driver\": \"redis://:pw@h:1/2\"}");
        Run r = run("--dry", "--config", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"workers\" : 3").contains("\"port\" : 8080").contains("redis://:********@h:1/2")
                .doesNotContain(":pw@").contains("config " + f + ": OK");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"server\": {\"workers\": 2,}}              | invalid JSON at line 1, column 26",
            "{\"driver\": \"memcached://x\"}             | driver: bad URL 'memcached://x': unknown scheme",
            "{\"https\": {\"bind\": [\"127.0.0.1\"], \"key\": \"/nope.key\", \"cert\": \"/nope.crt\"}} | https.bind[0] (127.0.0.1:443) key: cannot read '/nope.key'",
            "{\"https\": {\"bind\": \"127.0.0.1\"}}       | https listener without a key",
            "{\"user\": \"\"}                             | user: running as root without a user to drop to"})
    void dryFailsWithTheError(String json, String expected) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, json);
        Run r = run("--dry", "--config", f.toString());
        if (expected.startsWith("user:") && !isRoot()) {
            assertThat(r.code()).isZero(); // not root: an empty user is fine
            return;
        }
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("hoop start router: ").contains(expected);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Run r = run("--dry", "--config", dir.resolve("missing.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("hoop start router: " + dir.resolve("missing.json") + ": cannot read the config file");
    }

    private static boolean isRoot() {
        return PrivilegeDrop.runningAsRoot();
    }
}
