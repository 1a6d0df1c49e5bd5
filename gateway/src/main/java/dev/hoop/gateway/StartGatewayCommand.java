package dev.hoop.gateway;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.log.Logging;
import dev.hoop.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code hoop start gateway}: reads and validates the environment once, starts the gateway, and
 * on SIGTERM or SIGINT shuts it down gracefully and exits 0 (a plain JVM shutdown hook would exit 143).
 * Exit 2 for a configuration error, 1 when the gateway cannot start.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Start the gateway: REST API and web app on 8009, gRPC on 8010.",
                "Configured by environment variables (see docs/gateway.md): POSTGRES_DB_URI (unset: embedded PostgreSQL in "
                        + "HOOP_DATA_DIR, default ~/.hoop/data), API_URL, GRPC_URL, AUTH_METHOD, JWT_SECRET_KEY, TLS_KEY, TLS_CERT, "
                        + "TLS_CA, STATIC_UI_PATH, LOG_LEVEL, LOG_ENCODING, LOG_GRPC, GIN_MODE, ADMIN_USERNAME, HOOP_API_PORT, "
                        + "HOOP_GRPC_PORT, HOOP_LISTEN_ADDR, IDP_*, PLUGIN_AUDIT_PATH, PLUGIN_INDEX_PATH, ORG_MULTI_TENANT, "
                        + "GOOGLE_APPLICATION_CREDENTIALS_JSON, WEBHOOK_APPKEY, SVIX_URL, WEBHOOK_RETRY_DELAY, WEBHOOK_MAX_ATTEMPTS, "
                        + "WEBHOOK_TIMEOUT."})
public final class StartGatewayCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return run(Env.system(), Path.of(System.getProperty("user.home"), ".hoop", "data"), System.err, true);
    }

    /**
     * Starts and serves until SIGTERM/SIGINT when {@code serve}; else returns right after a
     * successful start (tests).
     *
     * @return the exit code: 0 after a clean shutdown, 1 when the gateway cannot start, 2 for a configuration error
     */
    static int run(Env env, Path defaultDataDir, PrintStream err, boolean serve) {
        GatewayConfig cfg;
        try {
            cfg = GatewayConfig.from(env, defaultDataDir);
        } catch (ConfigException e) {
            err.println("hoop start gateway: " + e.getMessage());
            return 2;
        }
        if (serve) {
            Logging.configure(cfg.logLevel(), cfg.logEncoding(), cfg.logGrpc());
            if (!cfg.logLevel().equals("debug")) {
                // zonky logs every initdb/postgres output line at info; our store logs the one line that matters
                ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.zonky")).setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
        Logger log = LoggerFactory.getLogger(StartGatewayCommand.class);
        GatewayServer server;
        try {
            server = GatewayServer.start(cfg);
        } catch (RuntimeException e) {
            log.error("gateway: start failed: {}", e.getMessage(), e);
            err.println("hoop start gateway: " + e.getMessage());
            return 1;
        }
        if (!serve) {
            server.close();
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        return 0;
    }
}
