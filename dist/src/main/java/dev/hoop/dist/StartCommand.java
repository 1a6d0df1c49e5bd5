package dev.hoop.dist;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hoop start gateway|agent|router}. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a component: gateway, agent or router.")
final class StartCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
