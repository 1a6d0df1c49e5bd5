package dev.hoop.client.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.client.Cli;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoop admin verify session ID}; its answers against a real gateway are in e2e {@code ReplayThroughHoopTest}. */
class VerifySessionTest {
    @TempDir Path home;

    @Test
    void hasHelpAndNeedsAnId() {
        Cli.Result help = Cli.run(home, Map.of(), "admin", "verify", "session", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: hoop admin verify session").contains("recording is as it was sealed (exit code 1");
        assertThat(Cli.run(home, Map.of(), "admin", "verify", "--help").out()).startsWith("Usage: hoop admin verify");
        Cli.Result missing = Cli.run(home, Map.of("HOOP_APIURL", "http://127.0.0.1:9", "HOOP_TOKEN", "t"), "admin", "verify", "session");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: 'ID'");
    }

    @Test
    void withoutATokenNothingIsSent() {
        Cli.Result r = Cli.run(home, Map.of("HOOP_APIURL", "http://127.0.0.1:9"), "admin", "verify", "session", "3f2a0c1e-0000-4000-8000-000000000001");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not logged in");
    }
}
