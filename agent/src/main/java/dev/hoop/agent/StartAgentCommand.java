package dev.hoop.agent;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hoop start agent}. PLACEHOLDER: replaced by the agent implementation. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Start the agent.")
public final class StartAgentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("hoop start agent: not built yet");
        return 2;
    }
}
