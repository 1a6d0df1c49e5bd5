package dev.hoop.dist;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.gateway.Seeding;
import dev.hoop.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What {@code hoop start} sets up in a new store so that a first look needs no further step: an
 * admin user (its password written once to {@code admin-password} in the data folder, mode 0600),
 * a local agent (its key kept in {@code local-agent.dsn}, mode 0600, so restarts reuse it), a
 * {@code shell} connection, and a {@code postgres} connection when a PostgreSQL answers on
 * 127.0.0.1:5432. Existing users, agents and connections are left as they are.
 */
final class FirstRun {
    static final String ADMIN_EMAIL = "admin@hoop.local";
    static final String AGENT = "local-agent";

    /** What the banner tells the user. */
    record Setup(AgentDsn dsn, String adminPassword, Path passwordFile, List<String> created) {}

    private final GatewayConfig cfg;
    private final Seeding seeding;
    private final Map<String, String> env;

    FirstRun(GatewayConfig cfg, Seeding seeding, Map<String, String> env) {
        this.cfg = cfg;
        this.seeding = seeding;
        this.env = env;
    }

    Setup apply(int grpcPort) {
        List<String> created = new ArrayList<>();
        Path passwordFile = cfg.dataDir().resolve("admin-password");
        String password = null;
        if (seeding.hasNoUsers()) {
            password = randomSecret(12);
            seeding.createAdmin(ADMIN_EMAIL, "Admin", password);
            writePrivate(passwordFile, password + "\n");
            created.add("user " + ADMIN_EMAIL + " (admin)");
        }
        AgentDsn dsn = localAgent(grpcPort, created);
        if (!seeding.hasConnection("shell")) {
            seeding.createConnection("shell", "command-line", List.of("bash"), Map.of(), AGENT);
            created.add("connection 'shell' (command-line: bash on the local agent)");
        }
        if (!seeding.hasConnection("postgres") && answers("127.0.0.1", 5432)) {
            Map<String, String> secret = Map.of("HOST", "127.0.0.1", "PORT", "5432",
                    "USER", env.getOrDefault("PGUSER", "postgres"), "PASS", env.getOrDefault("PGPASSWORD", ""),
                    "DB", env.getOrDefault("PGDATABASE", "postgres"));
            seeding.createConnection("postgres", "postgres", List.of(), secret, AGENT);
            created.add("connection 'postgres' (the PostgreSQL on 127.0.0.1:5432)");
        }
        return new Setup(dsn, password, passwordFile, created);
    }

    /** The local agent's key: reused from the data folder while its row still has that key, else issued anew. */
    private AgentDsn localAgent(int grpcPort, List<String> created) {
        Path keyFile = cfg.dataDir().resolve(AGENT + ".dsn");
        if (Files.isReadable(keyFile)) {
            try {
                AgentDsn saved = AgentDsn.parse(Files.readString(keyFile).trim());
                if (seeding.agentKeyIs(AGENT, saved.secret())) {
                    return new AgentDsn(saved.scheme(), saved.name(), saved.secret(), "127.0.0.1", grpcPort, saved.mode());
                }
            } catch (IOException | IllegalArgumentException e) {
                // an unreadable or stale key file: issue a new key below
            }
        }
        String secret = seeding.issueAgentKey(AGENT, "standard");
        String scheme = cfg.tls() == null ? "grpc" : "grpcs";
        AgentDsn dsn = new AgentDsn(scheme, AGENT, secret, "127.0.0.1", grpcPort, "standard");
        writePrivate(keyFile, dsn.format() + "\n");
        created.add("agent '" + AGENT + "' (runs in this process)");
        return dsn;
    }

    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
