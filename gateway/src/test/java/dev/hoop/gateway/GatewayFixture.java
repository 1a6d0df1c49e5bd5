package dev.hoop.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * The gateway test fixture as a JUnit 5 extension: a database of its own on the shared PostgreSQL
 * ({@link TestPostgres}), a gateway started from the production wiring on ephemeral ports
 * ({@link TestGateway}) with its data in a fresh folder, and, when asked, the first admin's token.
 * All of it is torn down after the class, the database dropped even when the start failed.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayFixture fixture = GatewayFixture.gateway().env("GIN_MODE", "debug").admin("boss@example.com", "boss-password");
 * }</pre>
 *
 * <p>Register it on a static field: JUnit honours class-level callbacks only there.
 */
public final class GatewayFixture implements BeforeAllCallback, AfterAllCallback {
    /** Extra environment computed from the fixture's folder before the gateway starts. */
    @FunctionalInterface
    public interface Setup {
        Map<String, String> prepare(Path folder) throws Exception;
    }

    private final Map<String, String> env = new HashMap<>();
    private Setup setup = folder -> Map.of();
    private String adminEmail;
    private String adminPassword;
    private String capturedLogger;
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
            new ch.qos.logback.core.read.ListAppender<>();
    private ch.qos.logback.classic.Level levelBefore;

    private Path folder;
    private TestPostgres pg;
    private TestGateway gw;
    private String adminToken;

    private GatewayFixture() {}

    public static GatewayFixture gateway() {
        return new GatewayFixture();
    }

    public GatewayFixture env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Runs before the start, e.g. to write files the gateway serves; its answer adds to the environment. */
    public GatewayFixture setup(Setup setup) {
        this.setup = Objects.requireNonNull(setup, "setup");
        return this;
    }

    /** Registers the first user (an admin) after the start; see {@link #adminToken()}. */
    public GatewayFixture admin(String email, String password) {
        this.adminEmail = email;
        this.adminPassword = password;
        return this;
    }

    /**
     * Captures what {@code loggerName} (and below) logs at DEBUG from before the start to the end of
     * the class; see {@link #logs()}.
     */
    public GatewayFixture captureLogs(String loggerName) {
        this.capturedLogger = Objects.requireNonNull(loggerName, "loggerName");
        return this;
    }

    /** What was logged so far (when {@link #captureLogs} was asked for). */
    public List<ch.qos.logback.classic.spi.ILoggingEvent> logs() {
        if (capturedLogger == null) {
            throw new IllegalStateException("no logs captured: call captureLogs(logger) when registering the fixture");
        }
        return List.copyOf(captured.list);
    }

    private ch.qos.logback.classic.Logger capturedLogger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(capturedLogger);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (capturedLogger != null) {
            levelBefore = capturedLogger().getLevel();
            capturedLogger().setLevel(ch.qos.logback.classic.Level.DEBUG);
            captured.start();
            capturedLogger().addAppender(captured);
        }
        folder = Files.createTempDirectory("hoop-gateway-test-");
        pg = TestPostgres.create();
        Map<String, String> extra = new HashMap<>(env);
        extra.put("POSTGRES_DB_URI", pg.uri());
        extra.putAll(setup.prepare(folder));
        gw = TestGateway.start(TestGateway.env(folder.resolve("data"), extra));
        if (adminEmail != null) {
            adminToken = gw.registerAdmin(adminEmail, adminPassword);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (capturedLogger != null) {
            capturedLogger().detachAppender(captured);
            capturedLogger().setLevel(levelBefore);
        }
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            try {
                if (pg != null) {
                    pg.close();
                }
            } finally {
                deleteTree(folder);
            }
        }
    }

    public TestGateway gw() {
        return started(gw);
    }

    public TestPostgres postgres() {
        return started(pg);
    }

    /** The folder the gateway's data lives under ({@code data/}), with whatever {@link #setup} wrote. */
    public Path folder() {
        return started(folder);
    }

    public String adminToken() {
        if (adminEmail == null) {
            throw new IllegalStateException("no admin asked for: call admin(email, password) when registering the fixture");
        }
        return started(adminToken);
    }

    private static <T> T started(T value) {
        if (value == null) {
            throw new IllegalStateException("the gateway fixture is not started: register it with @RegisterExtension on a static field");
        }
        return value;
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
