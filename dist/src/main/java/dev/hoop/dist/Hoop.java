package dev.hoop.dist;

import dev.hoop.agent.StartAgentCommand;
import dev.hoop.client.ClientCli;
import dev.hoop.common.config.ConfigException;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.netty.LeakDetection;
import dev.hoop.gateway.StartGatewayCommand;
import dev.hoop.router.StartRouterCommand;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command, {@code hoop}: assembles the command tree from the modules (start commands from
 * gateway, agent and router; the user commands from client). Nothing else lives here.
 */
@Command(name = "hoop", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Access gateway: start a gateway, agent or router; log in, connect, exec and administer.",
        subcommands = {VersionCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Hoop implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The whole command tree (for help and for tests). */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command tree for a run whose first argument is {@code first}. picocli builds the model of
     * every command it is given by reflection (~100 ms for the whole tree), so when {@code first}
     * names a top-level command only that branch is built; anything else (no argument, an option,
     * help, a typo) gets the whole tree so that usage and suggestions stay complete.
     */
    static CommandLine commandLine(String first) {
        List<Object> client = ClientCli.subcommands();
        boolean known = first != null && (first.equals("start") || first.equals("version")
                || client.stream().anyMatch(c -> nameOf(c).equals(first)));
        CommandLine hoop = new CommandLine(new Hoop());
        if (!known || first.equals("start")) {
            hoop.addSubcommand(new CommandLine(new StartCommand())
                    .addSubcommand(new StartGatewayCommand())
                    .addSubcommand(new StartAgentCommand())
                    .addSubcommand(new StartRouterCommand()));
        }
        for (Object command : client) {
            if (!known || nameOf(command).equals(first)) {
                hoop.addSubcommand(command);
            }
        }
        // -V/--version on every command prints the same line as on the root.
        CommandLine.IVersionProvider version = new VersionCommand.Provider();
        setVersionProvider(hoop, version);
        return hoop.setExecutionExceptionHandler(new ErrorHandler());
    }

    private static void setVersionProvider(CommandLine cmd, CommandLine.IVersionProvider version) {
        cmd.getCommandSpec().versionProvider(version);
        cmd.getSubcommands().values().forEach(sub -> setVersionProvider(sub, version));
    }

    private static String nameOf(Object command) {
        return command.getClass().getAnnotation(Command.class).name();
    }

    public static void main(String[] args) {
        LeakDetection.offUnlessAsked();
        if (args.length > 0 && NETWORK_COMMANDS.contains(args[0])) {
            // only the commands that open sockets load Netty: `hoop version` and the like stay fast
            try {
                EventLoops.transport();
            } catch (ConfigException e) {
                System.err.println("hoop " + args[0] + ": " + e.getMessage());
                System.exit(2);
            }
        }
        System.exit(commandLine(args.length == 0 ? null : args[0]).execute(args));
    }

    private static final Set<String> NETWORK_COMMANDS = Set.of("start", "connect", "exec");
}
