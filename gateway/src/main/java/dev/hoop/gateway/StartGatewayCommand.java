package dev.hoop.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code hoop start gateway}. PLACEHOLDER: replaced by the gateway implementation. */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Start the gateway.")
public final class StartGatewayCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("hoop start gateway: not built yet");
        return 2;
    }
}
