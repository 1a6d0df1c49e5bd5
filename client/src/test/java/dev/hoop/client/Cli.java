package dev.hoop.client;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs the client commands in-process as {@code hoop} would, with their own HOME, environment and stdin. */
public final class Cli {
    /** What a run printed and returned. */
    public record Result(int exit, String out, String err) {}

    @Command(name = "hoop")
    static final class Root {}

    private Cli() {}

    public static Result runWithStdin(Path home, Map<String, String> env, String stdin, String... args) {
        ClientContext ctx = new ClientContext(env, home,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
        CommandLine cmd = new CommandLine(new Root());
        ClientCli.subcommands(ctx).forEach(cmd::addSubcommand);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        // The same contract as dist's ErrorHandler: one "error: <message>" line, exit code 1.
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + ex.getMessage());
            return 1;
        });
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    public static Result run(Path home, Map<String, String> env, String... args) {
        return runWithStdin(home, env, "", args);
    }
}
