package dev.hoop.router;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hoop start router}. PLACEHOLDER: replaced by the router implementation. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "Start the router.")
public final class StartRouterCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("hoop start router: not built yet");
        return 2;
    }
}
