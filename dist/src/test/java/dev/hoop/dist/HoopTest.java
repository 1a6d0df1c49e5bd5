package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class HoopTest {
    @Test
    void everyCommandInTheTreeHasHelp() {
        List<String> missing = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        walk(Hoop.commandLine(), missing, seen);
        assertThat(seen).contains("hoop", "hoop start", "hoop start gateway", "hoop start agent", "hoop start router",
                "hoop version", "hoop login", "hoop config create", "hoop admin create connection", "hoop admin get agents",
                "hoop admin get sessions", "hoop connect", "hoop exec");
        assertThat(missing).as("commands without --help").isEmpty();
    }

    private static void walk(CommandLine cmd, List<String> missing, List<String> seen) {
        String name = cmd.getCommandSpec().qualifiedName();
        seen.add(name);
        if (cmd.getCommandSpec().findOption("--help") == null && !name.equals("hoop help")) {
            missing.add(name);
        }
        // Aliases appear as extra keys for the same command: visit each command once.
        cmd.getSubcommands().values().stream().distinct().forEach(sub -> walk(sub, missing, seen));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "version|help,version",
        "admin|admin,help,version",
        "login|help,login,version",
        "start|help,start,version",
        "exec|exec,help,version",
        "review|help,review,version",
        "--help|admin,config,connect,exec,help,login,review,start,version",
        "adm|admin,config,connect,exec,help,login,review,start,version",
    })
    void onlyTheBranchThatRunsIsBuilt(String first, String expected) {
        assertThat(Hoop.commandLine(first).getSubcommands().keySet().stream().sorted().toList())
                .containsExactly(expected.split(","));
    }

    @ParameterizedTest
    @CsvSource({"login", "admin", "start"})
    void versionOptionWorksOnSubcommandsToo(String command) {
        StringWriter out = new StringWriter();
        CommandLine cmd = Hoop.commandLine(command);
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute(command, "-V")).isZero();
        assertThat(out.toString()).isEqualTo("hoop " + dev.hoop.common.Version.current() + System.lineSeparator());
    }

    @Test
    void aTypoGetsASuggestionAndExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Hoop.commandLine("adm");
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("adm")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unmatched argument at index 0: 'adm'").contains("Did you mean: hoop admin?");
    }

    @Test
    void anExceptionBecomesOneErrorLineAndExitCode1() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Failing()).setExecutionExceptionHandler(new ErrorHandler());
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute()).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: the gateway said no" + System.lineSeparator());
    }

    @CommandLine.Command(name = "failing")
    static final class Failing implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("the gateway said no");
        }
    }
}
