package dev.hoop.router;

import picocli.CommandLine;

/** {@code hoop start router} as a main class, for tests that run the router in a child JVM. */
public final class RouterMain {
    private RouterMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartRouterCommand()).execute(args));
    }
}
