package dev.hoop.agent;

import picocli.CommandLine;

/** {@code hoop start agent} as its own process, for tests (the real entry point lives in dist). */
public final class AgentProcessMain {
    private AgentProcessMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartAgentCommand()).execute(args));
    }
}
