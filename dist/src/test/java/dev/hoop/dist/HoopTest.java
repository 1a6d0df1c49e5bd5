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

    /**
     * The command lists of {@code --help} show the first line of each description: a line that ends
     * mid-sentence ("… and http (8081) connections,") reads as cut off.
     */
    @Test
    void everyCommandsFirstDescriptionLineIsAWholeSentence() {
        List<String> cut = new ArrayList<>();
        collectCutLines(Hoop.commandLine(), cut);
        assertThat(cut).as("commands whose first description line does not end a sentence").isEmpty();
    }

    private static void collectCutLines(CommandLine cmd, List<String> cut) {
        String[] description = cmd.getCommandSpec().usageMessage().description();
        if (description.length > 0 && !description[0].strip().matches(".*[.)?!:]$")) {
            cut.add(cmd.getCommandSpec().qualifiedName() + ": " + description[0]);
        }
        cmd.getSubcommands().values().stream().distinct().forEach(sub -> collectCutLines(sub, cut));
    }

    /** {@code hoop admin create|get|delete --help} name every kind of thing they have a subcommand for. */
    @ParameterizedTest
    @CsvSource({"create", "get", "delete"})
    void adminVerbsNameEveryKind(String verb) {
        CommandLine cmd = Hoop.commandLine("admin").getSubcommands().get("admin").getSubcommands().get(verb);
        String description = String.join(" ", cmd.getCommandSpec().usageMessage().description()).toLowerCase(java.util.Locale.ROOT);
        java.util.Map<String, String> kinds = java.util.Map.of("agent", "agent", "agents", "agent", "connection", "connection",
                "connections", "connection", "user", "user", "users", "user", "apikey", "api key", "apikeys", "api key",
                "clientkeys", "client key", "webhook", "webhook");
        java.util.Map<String, String> more = java.util.Map.of("webhooks", "webhook", "guardrails", "guardrail", "sessions", "session",
                "reviews", "review", "session", "session");
        cmd.getSubcommands().values().stream().distinct().forEach(sub -> {
            String name = sub.getCommandName();
            String kind = kinds.getOrDefault(name, more.get(name));
            assertThat(kind).as("a kind for 'hoop admin " + verb + " " + name + "'").isNotNull();
            assertThat(description).as("hoop admin " + verb + " --help names " + kind).contains(kind);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "version|completion,help,version",
        "admin|admin,completion,help,version",
        "login|completion,help,login,version",
        "start|completion,help,start,version",
        "exec|completion,exec,help,version",
        "review|completion,help,review,version",
        "completion|admin,completion,config,connect,exec,help,login,review,start,version",
        "--help|admin,completion,config,connect,exec,help,login,review,start,version",
        "adm|admin,completion,config,connect,exec,help,login,review,start,version",
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
