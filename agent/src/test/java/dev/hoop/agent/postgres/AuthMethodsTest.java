package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent authenticating to a server that asks for passwords: an embedded PostgreSQL 14 whose
 * pg_hba.conf has a SCRAM-SHA-256, an MD5 and a cleartext-password user. psql itself never
 * knows a password.
 */
class AuthMethodsTest {
    private static final String HBA = """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all postgres ::1/128 trust
            host all scram_user 127.0.0.1/32 scram-sha-256
            host all md5_user 127.0.0.1/32 md5
            host all clear_user 127.0.0.1/32 password
            hostssl all tls_user 127.0.0.1/32 scram-sha-256
            hostnossl all tls_user 127.0.0.1/32 reject
            """;

    private static Path hba;
    private static Path tlsDir;
    private static TlsMaterial serverCert;
    private static EmbeddedPostgres postgres;
    private static EventLoopGroup group;

    @BeforeAll
    static void start() throws Exception {
        hba = Files.createTempFile("pgwire-hba", ".conf");
        Files.writeString(hba, HBA);
        // TLS on the server, for SSLMODE: a self-signed certificate naming 127.0.0.1.
        serverCert = SelfSignedCertificate.generate("127.0.0.1");
        tlsDir = Files.createTempDirectory("pgwire-tls");
        Path cert = Files.write(tlsDir.resolve("server.crt"), serverCert.certPem());
        Path key = Files.write(tlsDir.resolve("server.key"), serverCert.keyPem());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", cert.toString())
                .setServerConfig("ssl_key_file", key.toString())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE scram_user LOGIN PASSWORD 'scram-secret'");
            s.execute("CREATE ROLE clear_user LOGIN PASSWORD 'clear-secret'");
            s.execute("CREATE ROLE tls_user LOGIN PASSWORD 'tls-secret'");
            // md5 in pg_hba.conf uses MD5 only when the stored verifier is MD5.
            s.execute("SET password_encryption = 'md5'");
            s.execute("CREATE ROLE md5_user LOGIN PASSWORD 'md5-secret'");
        }
        group = SharedServer.eventLoops();
    }

    @AfterAll
    static void stop() throws Exception {
        group.shutdownGracefully().syncUninterruptibly();
        postgres.close();
        Files.deleteIfExists(hba);
        try (Stream<Path> files = Files.list(tlsDir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(tlsDir);
    }

    @ParameterizedTest(name = "SSLMODE={0}")
    @CsvSource({"require, false", "verify-ca, true", "verify-full, true", "prefer, false"})
    void encryptsToTheServerWhenAsked(String mode, boolean withRootCert) throws Exception {
        Map<String, String> envs = envs("tls_user", "tls-secret");
        envs.put("SSLMODE", mode);
        if (withRootCert) {
            envs.put("SSLROOTCERT", new String(serverCert.certPem(), java.nio.charset.StandardCharsets.US_ASCII));
        }
        Psql.Result r = psqlThrough(envs, "select current_user, ssl from pg_stat_ssl where pid = pg_backend_pid()");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).isEqualTo("tls_user|t\n");
    }

    @Test
    void verifyFullRejectsAnUntrustedCertificate() throws Exception {
        Map<String, String> envs = envs("tls_user", "tls-secret");
        envs.put("SSLMODE", "verify-full");
        Psql.Result r = psqlThrough(envs, "select 1");
        assertThat(r.stderr().replaceFirst("port \\d+ failed", "port N failed")).startsWith(
                "psql: error: connection to server at \"127.0.0.1\", port N failed: FATAL:  TLS with the database server at 127.0.0.1:"
                        + postgres.getPort() + " failed (SSLMODE=verify-full): ");
        assertThat(r.exitCode()).isEqualTo(2);
    }

    private static ConnectionParams params(Map<String, String> envs) {
        return new ConnectionParams("pg-auth", "postgres", null, envs);
    }

    private static Map<String, String> envs(String user, String pass) {
        Map<String, String> envs = new HashMap<>(Map.of("HOST", "127.0.0.1", "PORT", String.valueOf(postgres.getPort()),
                "USER", user, "DB", "postgres"));
        if (pass != null) {
            envs.put("PASS", pass);
        }
        return envs;
    }

    private static Psql.Result psqlThrough(Map<String, String> envs, String... commands) throws Exception {
        try (TunnelHarness tunnel = new TunnelHarness(new PostgresHandlers(group), params(envs))) {
            return Psql.run(tunnel.port(), "client-user", "client-db", commands);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"scram_user, scram-secret", "md5_user, md5-secret", "clear_user, clear-secret"})
    void authenticatesWithTheStoredPassword(String user, String pass) throws Exception {
        Psql.Result r = psqlThrough(envs(user, pass), "select current_user, current_setting('application_name')");
        assertThat(r.stderr()).isEmpty();
        // The stored user is used; the client's other startup parameters are kept.
        assertThat(r.stdout()).isEqualTo(user + "|psql\n");
        assertThat(r.exitCode()).isZero();
    }

    static Stream<Arguments> failures() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, String> down = envs("scram_user", "scram-secret");
        down.put("PORT", String.valueOf(closedPort));
        Map<String, String> unknownHost = envs("scram_user", "scram-secret");
        unknownHost.put("HOST", "no-such-host.invalid");
        Map<String, String> noHost = envs("scram_user", "scram-secret");
        noHost.remove("HOST");
        Map<String, String> badPort = envs("scram_user", "scram-secret");
        badPort.put("PORT", "70000");
        return Stream.of(
                Arguments.of("TLS-only user without SSLMODE", envs("tls_user", "tls-secret"),
                        "FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"tls_user\", database \"postgres\", no encryption"),
                Arguments.of("wrong SCRAM password", envs("scram_user", "wrong"),
                        "FATAL:  password authentication failed for user \"scram_user\""),
                Arguments.of("wrong MD5 password", envs("md5_user", "wrong"),
                        "FATAL:  password authentication failed for user \"md5_user\""),
                Arguments.of("wrong cleartext password", envs("clear_user", "wrong"),
                        "FATAL:  password authentication failed for user \"clear_user\""),
                Arguments.of("no stored password", envs("scram_user", null),
                        "FATAL:  the server at 127.0.0.1:" + postgres.getPort() + " asks for SASL authentication of user \"scram_user\""
                                + " but the connection stores no password (PASS)\nHINT:  Set PASS in the connection's secrets."),
                Arguments.of("server down", down,
                        "FATAL:  could not connect to the database server at 127.0.0.1:" + closedPort
                                + ": connection refused\nHINT:  Check that the server is running and reachable from the agent."),
                Arguments.of("unknown host", unknownHost,
                        "FATAL:  could not resolve the database host 'no-such-host.invalid': unknown host\n"
                                + "HINT:  Check HOST in the connection's secrets."),
                Arguments.of("missing HOST", noHost,
                        "FATAL:  connection 'pg-auth' is misconfigured: HOST: missing (expected: set in the connection's secrets)\n"
                                + "HINT:  Fix the connection's secrets and try again."),
                Arguments.of("bad PORT", badPort,
                        "FATAL:  connection 'pg-auth' is misconfigured: PORT: '70000' (expected: a number from 1 to 65535)\n"
                                + "HINT:  Fix the connection's secrets and try again."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failuresReachPsqlAsErrorResponses(String name, Map<String, String> envs, String expected) throws Exception {
        Psql.Result r = psqlThrough(envs, "select 1");
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr().replaceFirst("port \\d+ failed", "port N failed"))
                .isEqualTo("psql: error: connection to server at \"127.0.0.1\", port N failed: " + expected + "\n");
        assertThat(r.exitCode()).isEqualTo(2);
    }

    @Test
    void storedPasswordNeverReachesTheClient() throws Exception {
        Psql.Result r = psqlThrough(envs("scram_user", "scram-secret"), "select 1");
        assertThat(r.stdout() + r.stderr()).doesNotContain("scram-secret");
    }
}
