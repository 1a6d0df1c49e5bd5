package dev.hoop.dist;

import dev.hoop.agent.AgentRuntime;
import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.log.Logging;
import dev.hoop.gateway.GatewayServer;
import dev.hoop.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code hoop start}: a first look in one process — the gateway on its embedded PostgreSQL (or
 * {@code POSTGRES_DB_URI}), a local agent, an admin user and demo connections ({@link FirstRun});
 * then it prints how to log in and what to try, and serves until SIGTERM or Ctrl-C.
 */
final class AllInOne {
    private AllInOne() {}

    static int run(Map<String, String> processEnv, Path home, PrintStream out, PrintStream err) {
        Map<String, String> env = new HashMap<>(processEnv);
        Path dataDir = Path.of(env.getOrDefault("HOOP_DATA_DIR", home.resolve(".hoop/data").toString()));
        // a first look needs no root-owned folder: recordings go beside the data unless set
        env.putIfAbsent("PLUGIN_AUDIT_PATH", dataDir.resolve("sessions").toString());
        env.putIfAbsent("PLUGIN_INDEX_PATH", dataDir.resolve("indexes").toString());
        env.putIfAbsent("LOG_ENCODING", "console");
        GatewayConfig cfg;
        try {
            cfg = GatewayConfig.from(new Env(env), dataDir);
        } catch (ConfigException e) {
            err.println("hoop start: " + e.getMessage());
            return 2;
        }
        Logging.configure(cfg.logLevel(), cfg.logEncoding(), cfg.logGrpc());
        if (!cfg.logLevel().equals("debug")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.zonky")).setLevel(ch.qos.logback.classic.Level.WARN);
        }
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(cfg);
        } catch (RuntimeException e) {
            err.println("hoop start: the gateway could not start: " + e.getMessage());
            return 1;
        }
        try (gateway) {
            FirstRun.Setup setup = new FirstRun(cfg, gateway.seeding(), env).apply(gateway.grpcPort());
            ChannelSettings channel = cfg.tls() == null ? ChannelSettings.defaults()
                    : new ChannelSettings(cfg.tls().caPem(), "localhost", false);
            try (AgentRuntime agent = AgentRuntime.start(setup.dsn(), GatewayTarget.of(setup.dsn()), channel, List.of(), processEnv)) {
                out.print(banner(gateway.apiUrl(), gateway.grpcUrl(), setup, command()));
                out.flush();
                CountDownLatch stop = new CountDownLatch(1);
                Signal.handle(new Signal("TERM"), s -> stop.countDown());
                Signal.handle(new Signal("INT"), s -> stop.countDown());
                stop.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            err.println("hoop start: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * What to type to run hoop again: the launcher passes the path as invoked ({@code bin/hoop},
     * {@code ./hoop}) in {@code hoop.command}, or {@code hoop} when it was found on the PATH.
     */
    static String command() {
        String c = System.getProperty("hoop.command");
        return c == null || c.isBlank() ? "hoop" : c;
    }

    /**
     * The web app is built into the gateway (STATIC_UI_PATH only replaces it), so it is always announced.
     *
     * @param hoop the command to print, e.g. {@code bin/hoop}
     */
    static String banner(String apiUrl, String grpcUrl, FirstRun.Setup setup, String hoop) {
        StringBuilder b = new StringBuilder("\nhoop is running: web app and API on ").append(apiUrl)
                .append(", gRPC on ").append(grpcUrl).append('\n');
        for (String thing : setup.created()) {
            b.append("  created ").append(thing).append('\n');
        }
        b.append("\nSign in at ").append(apiUrl).append(" as ").append(FirstRun.ADMIN_EMAIL)
                .append(", or from the CLI (the admin's password is in ").append(setup.passwordFile()).append("):\n");
        if (setup.adminPassword() != null) {
            b.append("  admin password (shown once): ").append(setup.adminPassword()).append('\n');
        }
        b.append("  ").append(hoop).append(" config create --api-url ").append(apiUrl).append(" --grpc-url ").append(grpcUrl).append('\n')
                .append("  ").append(hoop).append(" login --email ").append(FirstRun.ADMIN_EMAIL).append(" < ").append(setup.passwordFile()).append('\n')
                .append("Then try:\n")
                .append("  ").append(hoop).append(" exec shell -i 'uname -a; whoami'\n")
                .append("  ").append(hoop).append(" connect shell                      (an interactive shell through the gateway)\n")
                .append("  ").append(hoop).append(" connect postgres   then   psql -h 127.0.0.1 -p 5433 -U any\n")
                .append("  ").append(hoop).append(" admin get sessions     (or the API: GET ").append(apiUrl).append("/api/sessions)\n")
                .append("Stop with Ctrl-C.\n");
        return b.toString();
    }
}
