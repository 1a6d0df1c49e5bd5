package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin create agent NAME}: registers an agent and prints its DSN on stdout, alone on
 * its line so scripts can capture it. The gateway keeps only a hash: the DSN is shown once.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Create an agent and print its key (a DSN for HOOP_KEY / HOOP_DSN of 'hoop start agent').",
            "The key is shown once: the gateway stores only its hash."})
final class CreateAgent implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The agent's name.")
    String name;

    @Option(names = "--mode", defaultValue = "standard", description = "Agent mode (default: ${DEFAULT-VALUE}).")
    String mode;

    @Override
    public void run() {
        HoopApi api = parent.admin.api();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("mode", mode);
        JsonNode created = api.post("/api/agents", body);
        ShownOnce.print(spec, output, api, created, "token", "the gateway created agent '" + name + "' but sent no key",
                "agent '" + name + "' created; the key above is shown once: start the agent with HOOP_KEY=<key> hoop start agent");
    }
}
