package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.client.output.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hoop admin get agents|connections|users [NAME]}: a table, or the gateway's JSON with {@code -o json}. */
final class GetCommands {
    private GetCommands() {}

    static final Table AGENTS = Table.of("ID", "id", "NAME", "name", "MODE", "mode", "STATUS", "status",
            "HOSTNAME", "hostname", "VERSION", "version");
    static final Table CONNECTIONS = new Table(java.util.List.of(new Table.Column("NAME", "name"), new Table.Column("TYPE", "type"),
            new Table.Column("SUBTYPE", "subtype"), new Table.Column("AGENT", "agent_name"),
            new Table.Column("COMMAND", "command", " "), new Table.Column("SECRETS", "secret_keys")));
    static final Table APIKEYS = Table.of("ID", "id", "NAME", "name", "GROUPS", "groups", "STATUS", "status", "CREATED", "created_at");
    static final Table REVIEWS = Table.of("ID", "id", "TYPE", "type", "STATUS", "status", "CONNECTION", "connection",
            "REQUESTED BY", "created_by", "PENDING", "pending_groups", "CREATED", "created_at");
    static final Table USERS = Table.of("ID", "id", "EMAIL", "email", "NAME", "name", "GROUPS", "groups", "STATUS", "status");

    /** Lists {@code path}, or gets {@code path/NAME} when a name is given, and prints it. */
    abstract static class Listing implements Runnable {
        @ParentCommand AdminCommand.Get parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin OutputOption output;

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Show only this one.")
        String name;

        private final String path;
        private final Table table;

        /**
         * @param path  the API collection, e.g. {@code /api/agents}
         * @param table its columns when printed as a table
         */
        Listing(String path, Table table) {
            this.path = path;
            this.table = table;
        }

        @Override
        public void run() {
            HoopApi api = parent.admin.api();
            JsonNode node = api.get(name == null ? path : path + "/" + HoopApi.segment(name));
            output.print(spec.commandLine().getOut(), api.json(), node, table);
        }
    }

    @Command(name = "agents", aliases = "agent", mixinStandardHelpOptions = true, description = "List agents (or show one).")
    static final class Agents extends Listing {
        Agents() {
            super("/api/agents", AGENTS);
        }
    }

    @Command(name = "connections", aliases = {"connection", "conn"}, mixinStandardHelpOptions = true,
            description = "List connections (or show one); secrets are never shown, only their names.")
    static final class Connections extends Listing {
        Connections() {
            super("/api/connections", CONNECTIONS);
        }
    }

    @Command(name = "users", aliases = "user", mixinStandardHelpOptions = true, description = "List users (or show one by id or email).")
    static final class Users extends Listing {
        Users() {
            super("/api/users", USERS);
        }
    }

    @Command(name = "apikeys", aliases = "apikey", mixinStandardHelpOptions = true, description = "List API keys (or show one); keys themselves are never shown.")
    static final class ApiKeys extends Listing {
        ApiKeys() {
            super("/api/apikeys", APIKEYS);
        }
    }

    @Command(name = "reviews", aliases = "review", mixinStandardHelpOptions = true,
            description = "List reviews (or show one by id): admins see all, others their own and those they approve.")
    static final class Reviews extends Listing {
        Reviews() {
            super("/api/reviews", REVIEWS);
        }
    }
}
