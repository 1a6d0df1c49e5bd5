package dev.hoop.client;

import dev.hoop.client.admin.AdminCommand;
import dev.hoop.client.config.ConfigCommand;
import dev.hoop.client.login.LoginCommand;
import dev.hoop.client.session.ConnectCommand;
import dev.hoop.client.session.ExecCommand;
import java.util.List;

/**
 * The user-facing commands ({@code login}, {@code config}, {@code admin}, {@code connect}, {@code exec}) as picocli command
 * objects, for {@code dev.hoop.dist.Hoop} to add under {@code hoop}. Constructing them is cheap:
 * no network, files or JSON until a command runs.
 */
public final class ClientCli {
    private ClientCli() {}

    /** The commands bound to the real process (environment, $HOME, stdin). */
    public static List<Object> subcommands() {
        return subcommands(ClientContext.system());
    }

    /** The commands bound to {@code ctx} (tests pass their own). */
    public static List<Object> subcommands(ClientContext ctx) {
        return List.of(new LoginCommand(ctx), new ConfigCommand(ctx), new AdminCommand(ctx), new ConnectCommand(ctx), new ExecCommand(ctx),
                new dev.hoop.client.review.ReviewCommand(ctx));
    }
}
