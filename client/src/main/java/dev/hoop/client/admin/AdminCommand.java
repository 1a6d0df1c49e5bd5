package dev.hoop.client.admin;

import dev.hoop.client.ClientContext;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.SavedToken;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code hoop admin create|get|delete agent|connection|user}: the gateway's admin API from the command line. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administer the gateway (admins only): create, list and delete agents, connections, users, API keys, client keys, webhooks and guardrails; list sessions and reviews; verify a session.",
        subcommands = {AdminCommand.Create.class, AdminCommand.Get.class, AdminCommand.Delete.class, AdminCommand.Verify.class})
public final class AdminCommand implements Runnable {
    private final ClientContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public AdminCommand() {
        this(ClientContext.system());
    }

    public AdminCommand(ClientContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    ClientContext ctx() {
        return ctx;
    }

    /** A REST client with the saved (or HOOP_TOKEN) token; refuses to start without one. */
    HoopApi api() {
        SavedToken token = SavedToken.of(ctx);
        ClientConfig config = token.config();
        return new HoopApi(config.effectiveApiUrl(), token, config.tlsCa());
    }

    /** A verb of {@code hoop admin}: its subcommands reach the API through {@link #admin}; alone it prints its usage. */
    abstract static class Group implements Runnable {
        @ParentCommand AdminCommand admin;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** {@code hoop admin create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an agent, a connection, a user, an API key, a client key, a webhook or guardrails.",
            subcommands = {CreateAgent.class, CreateConnection.class, CreateUser.class, CreateApiKey.class,
                    ClientKeyCommands.Create.class, CreateWebhook.class, Guardrails.Create.class})
    static final class Create extends Group {}

    /** {@code hoop admin get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "List agents, connections, users, API keys, sessions, client keys, webhooks, guardrails or reviews, or show one.",
            subcommands = {GetCommands.Agents.class, GetCommands.Connections.class, GetCommands.Users.class, GetCommands.ApiKeys.class,
                    GetSessions.class, ClientKeyCommands.Get.class, GetWebhooks.class, Guardrails.Get.class, GetCommands.Reviews.class})
    static final class Get extends Group {}

    /** {@code hoop admin delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an agent, a connection, a user, an API key, a client key or a webhook.",
            subcommands = {DeleteCommands.Agent.class, DeleteCommands.Connection.class, DeleteCommands.User.class, DeleteCommands.ApiKey.class,
                    ClientKeyCommands.Delete.class, DeleteCommands.Webhook.class})
    static final class Delete extends Group {}

    /** {@code hoop admin verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a session's recording against its signed seal.",
            subcommands = {VerifySession.class})
    static final class Verify extends Group {}
}
