package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.client.output.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin create guardrails CONNECTION RULE...} and {@code hoop admin get guardrails
 * [CONNECTION]}: a connection's guardrail rules (docs/guardrails.md). The gateway validates the
 * rules and answers which one is wrong.
 */
final class Guardrails {
    private Guardrails() {}

    static final Table TABLE = new Table(List.of(new Table.Column("CONNECTION", "connection"), new Table.Column("RULES", "rules", " ")));

    @Command(name = "guardrails", aliases = "guardrail", mixinStandardHelpOptions = true,
            description = {"Set a connection's guardrails (replaces its rules; no rule clears them).",
                "Rules: read-only, drop, truncate, delete-without-where, update-without-where, alter-password, grant,",
                "       deny-table:NAME, deny-function:NAME (SQL); regex:PATTERN (command-line input).",
                "Example: hoop admin create guardrails pg drop truncate delete-without-where deny-table:payroll",
                "         hoop admin create guardrails sh 'regex:rm\\s+-rf'"})
    static final class Create implements Runnable {
        @ParentCommand AdminCommand.Create parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin OutputOption output;

        @Parameters(index = "0", paramLabel = "CONNECTION", description = "The connection's name.")
        String connection;

        @Parameters(index = "1..*", paramLabel = "RULE", description = "The rules, e.g. drop read-only deny-table:payroll.")
        List<String> rules = new ArrayList<>();

        @Override
        public void run() {
            HoopApi api = parent.admin.api();
            JsonNode set = api.put("/api/guardrails/" + HoopApi.segment(connection), Map.of("rules", rules));
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputOption.printJson(out, api.json(), set);
                return;
            }
            out.printf("guardrails of connection '%s': %s%n", connection, rules.isEmpty() ? "none" : String.join(" ", rules));
            out.flush();
        }
    }

    @Command(name = "guardrails", aliases = "guardrail", mixinStandardHelpOptions = true,
            description = "List the connections' guardrails (or show one connection's).")
    static final class Get extends GetCommands.Listing {
        Get() {
            super("/api/guardrails", TABLE);
        }
    }
}
