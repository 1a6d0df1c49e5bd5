package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code hoop completion bash|zsh|fish}: scripts from the whole command tree; bash's is run in a real bash. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run hoop(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Hoop.commandLine(args[0]);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd.execute(args), out.toString(), err.toString());
    }

    /** What bash completes for the words typed so far (the last one being completed). */
    private String bashCompletes(Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String line = String.join(" ", words);
        String program = "source '" + script + "'\n"
                + "COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_hoop hoop '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void bashCompletesCommandsAndSubcommandsOfTheWholeTree() throws Exception {
        Run r = hoop("completion", "bash");
        assertThat(r.code()).isZero();
        Path script = dir.resolve("hoop.bash");
        Files.writeString(script, r.out());
        assertThat(bashCompletes(script, "hoop", "adm")).isEqualTo("admin\n");
        assertThat(bashCompletes(script, "hoop", "admin", "delete", "").lines().toList())
                .contains("agent", "connection", "user", "apikey", "clientkeys", "webhook");
        assertThat(bashCompletes(script, "hoop", "start", "")).contains("gateway", "agent", "router");
        assertThat(bashCompletes(script, "hoop", "connect", "--")).contains("--port");
    }

    @Test
    void zshGetsTheBashScriptThroughBashcompinit() {
        Run r = hoop("completion", "zsh");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("bashcompinit").contains("complete -F _complete_hoop");
        assertThat(r.out()).isEqualTo(hoop("completion", "bash").out());
    }

    @Test
    void fishGetsOneCompleteLinePerCommandAndOption() {
        Run r = hoop("completion", "fish");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("# fish completion for hoop")
                .contains("complete -c hoop -n '__hoop_path_is' -a 'admin' -d 'Administer the gateway (admins only)")
                .contains("complete -c hoop -n '__hoop_path_is admin delete' -a 'apikey' -d 'Revoke an API key")
                .contains("complete -c hoop -n '__hoop_path_is connect' -s p -l port -r -d 'Local port")
                .contains("complete -c hoop -n '__hoop_path_is start' -a 'router'");
        // aliases are not offered twice, hidden options not at all
        assertThat(r.out()).doesNotContain("'__hoop_path_is admin delete' -a 'agents'").doesNotContain("callback-port");
        // every line is a comment, a complete line or part of the helper function
        assertThat(r.out().lines().filter(l -> l.startsWith("complete ")))
                .allMatch(l -> l.matches("complete -c hoop( -n '[^']*')?.*"));
    }

    @Test
    void fishQuotesQuotesAndBackslashes() {
        assertThat(FishCompletion.quote("it's")).isEqualTo("'it\\'s'");
        assertThat(FishCompletion.quote("a\\b")).isEqualTo("'a\\\\b'");
    }

    @Test
    void anUnknownShellIsNamedWithTheChoices() {
        Run r = hoop("completion", "tcsh");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("unknown shell 'tcsh' (expected: bash, zsh or fish)");
        assertThat(r.out()).isEmpty();
    }
}
