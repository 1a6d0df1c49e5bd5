package dev.hoop.dist;

import dev.hoop.agent.StartAgentCommand;
import dev.hoop.client.ClientCli;
import dev.hoop.gateway.StartGatewayCommand;
import dev.hoop.router.StartRouterCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command, {@code hoop}: assembles the command tree from the modules (start commands from
 * gateway, agent and router; the user commands from client). Nothing else lives here.
 */
@Command(name = "hoop", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Access gateway: start a gateway, agent or router; log in, connect, exec and administer.",
        subcommands = {VersionCommand.class, CommandLine.HelpCommand.class})
public final class Hoop implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine start = new CommandLine(new StartCommand())
                .addSubcommand(new StartGatewayCommand())
                .addSubcommand(new StartAgentCommand())
                .addSubcommand(new StartRouterCommand());
        CommandLine hoop = new CommandLine(new Hoop()).addSubcommand(start);
        for (Object command : ClientCli.subcommands()) {
            hoop.addSubcommand(command);
        }
        return hoop.setExecutionExceptionHandler(new ErrorHandler());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
