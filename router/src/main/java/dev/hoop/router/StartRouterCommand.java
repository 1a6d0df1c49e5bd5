package dev.hoop.router;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.log.Logging;
import dev.hoop.common.netty.LeakDetection;
import dev.hoop.router.config.ConfigLoader;
import dev.hoop.router.config.DryRun;
import dev.hoop.router.config.RouterConfig;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hoop start router [--config FILE] [--dry]}: the Hipache-compatible router. Without
 * {@code --config} it reads {@code config/config.json} beside the distribution
 * ({@code config/config_<SETTINGS_FLAVOR>.json} when that variable is set).
 */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = "Start the Hipache-compatible HTTP/WebSocket router (vhosts in Redis).")
public final class StartRouterCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StartRouterCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: config/config.json beside the distribution, or config_<SETTINGS_FLAVOR>.json).")
    Path config;

    @Option(names = "--dry", description = "Validate the config, print it with secrets censored, and exit.")
    boolean dry;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Logging.configure(env("LOG_LEVEL", "info"), env("LOG_ENCODING", "console"), false);
        Path file = ConfigLoader.resolve(config, System.getenv("SETTINGS_FLAVOR"), home());
        RouterConfig cfg;
        try {
            cfg = ConfigLoader.load(file, PrivilegeDrop.runningAsRoot());
        } catch (ConfigException e) {
            err.println("hoop start router: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (dry) {
            out.println(DryRun.render(cfg));
            out.println("config " + file + ": OK");
            out.flush();
            return 0;
        }
        if (PrivilegeDrop.needed(cfg.user())) {
            LOG.info("running as root: continuing as user '{}' (group '{}') with CAP_NET_BIND_SERVICE", cfg.user(),
                    cfg.group() == null ? cfg.user() : cfg.group());
            try {
                PrivilegeDrop.checkWritable(cfg.user(), cfg.group(), cfg.server().accessLog());
                return PrivilegeDrop.reexec(cfg.user(), cfg.group());
            } catch (ConfigException | java.io.IOException e) {
                err.println("hoop start router: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        // also when the router runs outside hoop.jar (bench/router starts this command directly)
        LeakDetection.offUnlessAsked();
        Router router;
        try {
            router = Router.start(cfg);
        } catch (ConfigException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("hoop start router: " + e.getMessage());
            err.flush();
            return 2;
        }
        LOG.info("router started from {} with {}", file, router.storeDescription());
        installSignals(router);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
        return 0;
    }

    @SuppressWarnings("restriction")
    private static void installSignals(Router router) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> {
                LOG.info("SIGUSR1: reopening the access log");
                router.reopenLogs();
            });
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGUSR1 not available on this platform; access log rotation needs a restart");
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** The distribution's folder: -Dhoop.home, HOOP_HOME, the jar's folder (or its parent when in lib/), else the cwd. */
    static Path home() {
        String prop = System.getProperty("hoop.home", System.getenv("HOOP_HOME"));
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        try {
            Path jar = Path.of(StartRouterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                Path dir = jar.getParent();
                if (dir.getFileName() != null && dir.getFileName().toString().equals("lib") && dir.getParent() != null) {
                    dir = dir.getParent();
                }
                if (Files.isDirectory(dir.resolve("config"))) {
                    return dir;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
