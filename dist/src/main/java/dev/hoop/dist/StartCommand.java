package dev.hoop.dist;

import dev.hoop.client.ClientContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hoop start gateway|agent|router}, or {@code hoop start} alone: everything in one process for a first look. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a component: gateway, agent or router.",
                "Without one: a gateway on the embedded store, a local agent, an admin and demo connections, in one process."})
final class StartCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        ClientContext ctx = ClientContext.system();
        return AllInOne.run(ctx.env(), ctx.home(), System.out, System.err);
    }
}
