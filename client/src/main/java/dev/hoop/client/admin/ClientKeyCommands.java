package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.client.output.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop admin create|get|delete clientkeys}: keys for agents that publish their own
 * connections ({@code HOOP_DSN} + {@code HOOP_CONNECTION}, docs/clientkeys.md).
 */
final class ClientKeyCommands {
    private ClientKeyCommands() {}

    static final Table CLIENTKEYS = Table.of("NAME", "name", "ACTIVE", "active", "CONNECTIONS", "connections", "CREATED", "created_at");

    /** Prints the DSN alone on stdout (scripts capture it); the gateway keeps only its hash. */
    @Command(name = "clientkeys", aliases = "clientkey", mixinStandardHelpOptions = true,
            description = {"Create a client key and print its DSN (HOOP_DSN of an agent that publishes connections KEY:item).",
                "The DSN is shown once: the gateway stores only its hash."})
    static final class Create implements Runnable {
        @ParentCommand AdminCommand.Create parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin OutputOption output;

        @Parameters(index = "0", paramLabel = "NAME", description = "The key's name: the prefix of the connections its agents publish.")
        String name;

        @Option(names = "--overwrite", description = "Issue a new DSN for an existing key (created when absent); the old one stops at once.")
        boolean overwrite;

        @Override
        public void run() {
            HoopApi api = parent.admin.api();
            Map<String, Object> body = new LinkedHashMap<>();
            JsonNode created;
            if (overwrite) {
                body.put("active", true);
                body.put("rotate", true);
                created = api.put("/api/clientkeys/" + HoopApi.segment(name), body);
            } else {
                body.put("name", name);
                created = api.post("/api/clientkeys", body);
            }
            ShownOnce.print(spec, output, api, created, "dsn", "the gateway saved client key '" + name + "' but sent no DSN",
                    "client key '" + name + "' " + (overwrite ? "issued anew" : "created")
                            + "; the DSN above is shown once: run the agent with HOOP_DSN=<dsn> HOOP_CONNECTION=myapp hoop start agent"
                            + " to publish " + name + ":myapp");
        }
    }

    @Command(name = "clientkeys", aliases = "clientkey", mixinStandardHelpOptions = true,
            description = "List client keys (or show one) and the connections their agents published; DSNs are never shown.")
    static final class Get extends GetCommands.Listing {
        Get() {
            super("/api/clientkeys", CLIENTKEYS);
        }
    }

    @Command(name = "clientkeys", aliases = "clientkey", mixinStandardHelpOptions = true,
            description = "Delete a client key: its agents are cut off and the connections they published are deleted.")
    static final class Delete extends DeleteCommands.Deletion {
        Delete() {
            super("/api/clientkeys", "client key");
        }
    }
}
