package dev.hoop.client.session;

import dev.hoop.client.ClientContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hoop exec CONN [-i INPUT | -f FILE | stdin] [-- ARGS]}: runs the connection's command once. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a one-off command or script on a connection and exit with its exit code.",
                "Input comes from -i, -f or standard input (when it is not a terminal)."})
public final class ExecCommand implements Callable<Integer> {
    private final ClientContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONNECTION", description = "The connection to run on.")
    String connection;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Extra arguments for the connection's command (after --).")
    List<String> args = List.of();

    @Option(names = {"-i", "--input"}, description = "The input (a query, a script).")
    String input;

    @Option(names = {"-f", "--file"}, description = "Read the input from this file.")
    Path file;

    @Option(names = "--no-wait", description = "On a connection that needs a review: print the review's id and return at once.")
    boolean noWait;

    @Option(names = "--review", paramLabel = "ID", description = "Run an approved review of yours (its reviewed script runs once).")
    String review;

    public ExecCommand() {
        this(ClientContext.system());
    }

    public ExecCommand(ClientContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (input != null && file != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the input with -i or -f, not both");
        }
        if (review != null && (input != null || file != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--review runs the reviewed script: give no -i or -f with it");
        }
        byte[] data = review != null ? new byte[0] : input();
        try (GatewayLink link = GatewayLink.open(ctx)) {
            return new ExecSession(link.channel, link.token, System.out, System.err, System.err).errors(link.errors)
                    .review(review, noWait, ctx.interactive())
                    .run(connection, data, args);
        }
    }

    private byte[] input() {
        try {
            if (input != null) {
                return input.getBytes(StandardCharsets.UTF_8);
            }
            if (file != null) {
                if (!Files.isReadable(file)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "-f: cannot read '" + file + "'");
                }
                return Files.readAllBytes(file);
            }
            return ctx.interactive() ? new byte[0] : ctx.stdin().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the input", e);
        }
    }
}
