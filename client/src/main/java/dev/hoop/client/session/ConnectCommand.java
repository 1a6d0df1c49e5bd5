package dev.hoop.client.session;

import dev.hoop.client.ClientContext;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hoop connect CONN [--port N]}: a local listener for a postgres/tcp/http connection (any
 * number of clients, each its own connection through the session), or an interactive terminal
 * for a command-line connection. Runs until stopped (Ctrl-C) or the session ends.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Open a connection: a local port, or a terminal for command-line connections.",
                "postgres (5433), tcp (8999) and http (8081) connections get a local port for any number of clients.",
                "Command-line connections get an interactive terminal that behaves like ssh: Ctrl-C, Ctrl-Z and Ctrl-\\ go",
                "to the remote command; type ~. at the start of a line to disconnect (~~ sends one ~)."})
public final class ConnectCommand implements Callable<Integer> {
    private final ClientContext ctx;

    @Parameters(index = "0", paramLabel = "CONNECTION", description = "The connection to open.")
    String connection;

    @Option(names = {"-p", "--port"}, description = "Local port (default: 5433 postgres, 8999 tcp, 8081 http; 0 picks a free one).")
    Integer port;

    @Option(names = "--listen-address", defaultValue = "127.0.0.1", description = "Local address to listen on (default: ${DEFAULT-VALUE}).")
    String listenAddress;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "On a connection that needs a review: the time-boxed access to ask for, 60s to 48h (default: 30m), e.g. 2h.")
    String duration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ConnectCommand() {
        this(ClientContext.system());
    }

    public ConnectCommand(ClientContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port != null && (port < 0 || port > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port " + port + " (expected: 0 to 65535)");
        }
        if (duration != null && !duration.matches("(\\d+h)?(\\d+m)?(\\d+s)?") || "".equals(duration)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration " + duration + " (expected: hours, minutes and seconds such as 30m, 1h30m or 90s)");
        }
        try (GatewayLink link = GatewayLink.open(ctx)) {
            return new ConnectSession(link.channel, link.loops, link.token, System.err).errors(link.errors).review(duration, ctx.interactive()).run(connection, listenAddress, port == null ? -1 : port, null);
        }
    }
}
