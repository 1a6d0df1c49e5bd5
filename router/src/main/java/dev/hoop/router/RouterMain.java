package dev.hoop.router;

import picocli.CommandLine;

/**
 * {@code hoop start router} as a plain main class: for running the router module alone (the
 * benchmark, tests that start it in a child JVM). The distribution uses {@code hoop start router}.
 */
public final class RouterMain {
    private RouterMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartRouterCommand()).execute(args));
    }
}
