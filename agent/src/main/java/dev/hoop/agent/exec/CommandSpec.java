package dev.hoop.agent.exec;

import java.util.List;
import java.util.Map;

/**
 * A command ready to start: its arguments after {@code $VAR} expansion and its full environment.
 * {@link #toString()} shows variable names only: values are the connection's secrets.
 */
public record CommandSpec(List<String> argv, Map<String, String> env) implements ExecPlan {
    public CommandSpec {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    public String program() {
        return argv.getFirst();
    }

    @Override
    public String toString() {
        return "CommandSpec[program=" + program() + ", args=" + (argv.size() - 1) + ", env=" + env.keySet() + "]";
    }
}
