package dev.hoop.client;

import java.util.List;

/** The user-facing commands (login, connect, exec, admin, config) as picocli command objects. PLACEHOLDER. */
public final class ClientCli {
    private ClientCli() {}

    public static List<Object> subcommands() {
        return List.of();
    }
}
