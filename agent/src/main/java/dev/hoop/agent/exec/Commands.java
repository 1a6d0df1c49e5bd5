package dev.hoop.agent.exec;

import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves what a session runs: the connection's command (none for postgres: see {@link #forExec}), the client's
 * extra arguments, and the environment: the agent's own, without its credentials, plus the
 * connection's envs. {@code $VAR} and {@code ${VAR}} in arguments expand from that environment;
 * unknown names stay as written, so a shell script's own variables still reach the shell.
 */
public final class Commands {
    // The agent's own secrets never reach the commands it runs.
    private static final Set<String> AGENT_SECRETS = Set.of("HOOP_KEY", "HOOP_DSN", "HOOP_TOKEN",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON");
    private static final Pattern VAR = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private static final String POSTGRES = ConnectionType.POSTGRES.wireName();

    private Commands() {}

    /**
     * What {@code hoop exec} runs: on a postgres connection the input itself, as SQL over the
     * agent's own database connection (no psql, so no password in any environment, no psql
     * meta-commands); otherwise the connection's command as {@link #resolve} gives it.
     *
     * @throws IllegalArgumentException for extra arguments on a postgres connection, or nothing to run
     */
    public static ExecPlan forExec(ConnectionParams params, List<String> extraArgs, Map<String, String> agentEnv) {
        if (POSTGRES.equals(params.type())) {
            if (!extraArgs.isEmpty()) {
                throw new IllegalArgumentException("connection '" + params.name() + "' is a postgres connection: hoop exec"
                        + " takes no arguments after '--' for it (got " + extraArgs.size() + "); the agent runs the"
                        + " input as SQL itself, so pass the SQL with -i, -f or on stdin");
            }
            return new ExecPlan.Sql();
        }
        return resolve(params, extraArgs, agentEnv);
    }

    /**
     * The program a session starts (exec and terminal), with the client's extra arguments.
     *
     * @param extraArgs the client's arguments ({@code hoop exec CONN -- args}), appended
     * @param agentEnv  the agent's environment
     * @throws IllegalArgumentException when the connection has nothing to run, or is a postgres one
     */
    public static CommandSpec resolve(ConnectionParams params, List<String> extraArgs, Map<String, String> agentEnv) {
        if (POSTGRES.equals(params.type())) {
            // Running psql would put the stored password in a child's environment and let the user
            // run its meta-commands (\! starts a shell on the agent's host).
            throw new IllegalArgumentException("connection '" + params.name() + "' is a postgres connection: the agent"
                    + " starts no program for it, so there is no interactive terminal; use 'hoop connect "
                    + params.name() + "' with a client on your machine, or 'hoop exec " + params.name() + " -i SQL'");
        }
        List<String> base = params.command();
        if (base.isEmpty()) {
            throw new IllegalArgumentException("connection '" + params.name() + "' (type " + params.type()
                    + ") has no command to run (set the connection's command)");
        }
        Map<String, String> env = new HashMap<>(agentEnv);
        AGENT_SECRETS.forEach(env::remove);
        env.putAll(params.envs());
        List<String> argv = new ArrayList<>();
        for (String arg : base) {
            argv.add(expand(arg, env));
        }
        argv.addAll(extraArgs);
        return new CommandSpec(argv, env);
    }

    /** Replaces {@code $NAME} and {@code ${NAME}} by the value in {@code env}; unknown names stay. */
    public static String expand(String arg, Map<String, String> env) {
        Matcher m = VAR.matcher(arg);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = env.get(name);
            m.appendReplacement(b, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The executable {@code program} names, searched on the environment's PATH; empty when none. */
    public static Optional<Path> locate(String program, Map<String, String> env) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        }
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
