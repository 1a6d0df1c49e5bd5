package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.common.wire.ConnectionType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin create connection NAME --type postgres --agent A -e HOST=… [-- command args]}.
 * Secrets are write-only: they go to the gateway and are never printed back (only their names).
 */
@Command(name = "connection", mixinStandardHelpOptions = true,
        description = {"Create a connection served by an agent.",
            "Example: hoop admin create connection pg --type postgres --agent prod -e HOST=db -e PORT=5432 -e USER=app -e PASS=s3cret -e DB=app",
            "         hoop admin create connection sh --type command-line --agent prod -- bash",
            "         hoop admin create connection api --type http --agent prod -e URL=https://api.internal -e 'HEADER_Authorization=Bearer t0ken'"})
final class CreateConnection implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The connection's name.")
    String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command the agent runs (after --), e.g. -- psql -h $HOST.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE", description = "postgres, tcp, command-line or http.")
    String type;

    @Option(names = {"-a", "--agent"}, required = true, paramLabel = "AGENT", description = "The agent that serves it.")
    String agent;

    @Option(names = "--subtype", paramLabel = "SUBTYPE", description = "A finer type, e.g. mysql for a tcp connection.")
    String subtype;

    @Option(names = "--reviewers", split = ",", paramLabel = "GROUP",
            description = "Approver groups: every session needs their review (exec: each script; connect: time-boxed access), e.g. --reviewers dba,sre.")
    List<String> reviewers = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A secret given to the agent as an environment variable (repeatable), e.g. -e HOST=db.internal.")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Override
    public void run() {
        if (ConnectionType.find(type).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--type: '" + type + "' (expected: one of " + String.join(", ", ConnectionType.wireNames().stream().sorted().toList()) + ")");
        }
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "-e: '" + e.getKey() + "' is not a variable name (expected KEY=VALUE with KEY of letters, digits and _)");
            }
        }
        HoopApi api = parent.admin.api();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", type);
        if (subtype != null) {
            body.put("subtype", subtype);
        }
        if (!command.isEmpty()) {
            body.put("command", command);
        }
        body.put("secret", secrets);
        body.put("agent_name", agent);
        JsonNode created = api.post("/api/connections", body);
        if (!reviewers.isEmpty()) {
            try {
                api.put("/api/connections/" + HoopApi.segment(name) + "/reviewers", Map.of("groups", reviewers));
            } catch (dev.hoop.client.api.ApiException e) {
                // without its review the connection must not be usable: take it back
                api.delete("/api/connections/" + HoopApi.segment(name));
                throw new dev.hoop.client.api.ApiException(e.status(), "connection '" + name + "' was not created: its reviewers could not be set: "
                        + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, api.json(), created);
            return;
        }
        out.printf("connection '%s' created (type %s, agent %s, secrets: %s)%n", name, type, agent,
                secrets.isEmpty() ? "none" : String.join(", ", secrets.keySet()));
        if (!reviewers.isEmpty()) {
            out.printf("sessions need a review by: %s%n", String.join(", ", reviewers));
        }
        out.flush();
    }
}
