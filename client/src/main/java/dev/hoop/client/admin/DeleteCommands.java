package dev.hoop.client.admin;

import dev.hoop.client.api.HoopApi;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hoop admin delete agent|connection|user NAME}. */
final class DeleteCommands {
    private DeleteCommands() {}

    /** Deletes {@code path/NAME} and says so. */
    abstract static class Deletion implements Runnable {
        @ParentCommand AdminCommand.Delete parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "What to delete.")
        String name;

        private final String path;
        private final String kind;

        /**
         * @param path the API collection, e.g. {@code /api/agents}
         * @param kind what the confirmation calls it, e.g. {@code API key}
         */
        Deletion(String path, String kind) {
            this.path = path;
            this.kind = kind;
        }

        @Override
        public void run() {
            parent.admin.api().delete(path + "/" + HoopApi.segment(name));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s '%s' deleted%n", kind, name);
            out.flush();
        }
    }

    @Command(name = "agent", aliases = "agents", mixinStandardHelpOptions = true, description = "Delete an agent by name or id.")
    static final class Agent extends Deletion {
        Agent() {
            super("/api/agents", "agent");
        }
    }

    @Command(name = "connection", aliases = {"connections", "conn"}, mixinStandardHelpOptions = true, description = "Delete a connection by name.")
    static final class Connection extends Deletion {
        Connection() {
            super("/api/connections", "connection");
        }
    }

    @Command(name = "user", aliases = "users", mixinStandardHelpOptions = true, description = "Delete a user by id or email.")
    static final class User extends Deletion {
        User() {
            super("/api/users", "user");
        }
    }

    @Command(name = "apikey", aliases = "apikeys", mixinStandardHelpOptions = true,
            description = "Revoke an API key by name: it stops working at once, also on its open sessions.")
    static final class ApiKey extends Deletion {
        ApiKey() {
            super("/api/apikeys", "API key");
        }
    }

    @Command(name = "webhook", aliases = "webhooks", mixinStandardHelpOptions = true,
            description = "Delete a webhook endpoint by name or id, with its pending messages and delivery log.")
    static final class Webhook extends Deletion {
        Webhook() {
            super("/api/webhooks", "webhook");
        }
    }
}
