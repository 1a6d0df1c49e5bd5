package dev.hoop.agent;

import dev.hoop.agent.transport.AgentMetrics;
import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.log.Logging;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hoop start agent [--debug] [--debug-grpc]}: reads the agent's key from HOOP_KEY (or
 * HOOP_DSN), connects to the gateway and serves its sessions until stopped. A missing or malformed
 * key, or a forbidden plaintext target, is reported in one line with exit code
 * {@value #EXIT_CONFIG}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Start the agent: connect to the gateway with HOOP_KEY and serve its connections.",
                "Environment: HOOP_KEY or HOOP_DSN (required), HOOP_CONNECTION, HOOP_TLSCA, TLS_SERVER_NAME, HOOP_ALLOW_PLAINTEXT,",
                "LOG_LEVEL (info), LOG_ENCODING (json), LOG_GRPC (0), HOOP_METRICS_PORT (unset: no /metrics), HOOP_METRICS_ADDR (127.0.0.1)."})
public final class StartAgentCommand implements Callable<Integer> {
    /** Exit code of a configuration error (missing or malformed key, forbidden plaintext, bad CA). */
    public static final int EXIT_CONFIG = 2;

    @Option(names = {"--debug", "-debug"}, description = "Log at debug level (same as LOG_LEVEL=debug).")
    boolean debug;

    @Option(names = {"--debug-grpc", "-debug-grpc"}, description = "Log gRPC frames (same as LOG_GRPC=1).")
    boolean debugGrpc;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Env env;

    public StartAgentCommand() {
        this(Env.system());
    }

    StartAgentCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config;
        try {
            config = AgentConfig.fromEnv(env, debug, debugGrpc);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("hoop start agent: " + e.getMessage());
            return EXIT_CONFIG;
        }
        Logging.configure(config.logLevel(), config.logEncoding(), config.logGrpc());
        Logger log = LoggerFactory.getLogger(StartAgentCommand.class);
        log.info("starting agent '{}' for gateway {} (tls={})", config.dsn().name(), config.target(), config.target().tls());
        AgentMetrics metrics = AgentMetrics.create();
        MetricsServer metricsServer = null;
        if (config.metricsPort() != null) {
            try {
                metricsServer = MetricsServer.start(config.metricsAddr(), config.metricsPort(), metrics);
            } catch (java.io.UncheckedIOException e) {
                spec.commandLine().getErr().println("hoop start agent: " + e.getMessage());
                return EXIT_CONFIG;
            }
            log.info("agent metrics: GET http://{}:{}/metrics", config.metricsAddr(), metricsServer.port());
        }
        AgentRuntime agent;
        try {
            agent = AgentRuntime.start(config.dsn(), config.target(), config.channel(), config.connectionItems(), System.getenv(),
                    metrics);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("hoop start agent: " + e.getMessage());
            if (metricsServer != null) {
                metricsServer.close();
            }
            return EXIT_CONFIG;
        }
        log.info("data masking: {}", agent.maskingProvider());
        MetricsServer served = metricsServer;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            if (served != null) {
                served.close();
            }
        }, "agent-shutdown"));
        agent.awaitStopped();
        return 0;
    }
}
