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

    @Test
    void asRootAnAccessLogTheDroppedUserCannotWriteFailsAtStartNamingUserAndPath() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "dropping privileges needs root");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> open = java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(dir, open);
        Path logs = Files.createDirectory(dir.resolve("logs")); // root's, 0755: "nobody" cannot create files in it
        Files.setPosixFilePermissions(logs, open);
        Path log = logs.resolve("access.log");
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"user\": \"nobody\", \"group\": \"nogroup\", \"server\": {\"accessLog\": \"" + log
                + "\"}, \"http\": {\"port\": 1, \"bind\": [\"127.0.0.1\"]}}");
        Run r = run("--config", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hoop start router: server.accessLog: user 'nobody' (whom the router runs as after dropping root) "
                + "cannot create " + log + " in " + logs + ": make the folder writable by that user (e.g. chown nobody " + logs
                + "), or set server.accessLog to a path it can write\n");

        // a root-owned file in a folder the user may write: the file is what counts
        Files.writeString(log, "");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> PrivilegeDrop.checkWritable("nobody", "nogroup", log.toString())))
                .hasMessageContaining("cannot write " + log);
        // once the user owns it, the check passes
        java.nio.file.attribute.UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(log, nobody);
        PrivilegeDrop.checkWritable("nobody", "nogroup", log.toString());
        // a missing folder is created for the user
        Path fresh = dir.resolve("new-logs/access.log");
        PrivilegeDrop.checkWritable("nobody", "nogroup", fresh.toString());
        assertThat(Files.getOwner(fresh.getParent())).isEqualTo(nobody);
    }

    private static boolean isRoot() {
        return PrivilegeDrop.runningAsRoot();
    }
}
