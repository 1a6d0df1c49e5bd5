package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command's exit codes and the message the user sees. */
class StartGatewayCommandTest {
    @TempDir
    Path dataDir;

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(Map.of("LOG_LEVEL", "loud"), 2,
                        "hoop start gateway: LOG_LEVEL: 'loud' (expected: one of debug, error, info, warn)"),
                Arguments.of(Map.of("IDP_ISSUER", "https://idp.example.com", "IDP_CLIENT_ID", "c", "IDP_CLIENT_SECRET", "s"), 2,
                        "hoop start gateway: API_URL: not set (expected: the public URL of the gateway, e.g. https://hoop.example.com)"),
                Arguments.of(Map.of("IDP_ISSUER", "http://127.0.0.1:1/realms/hoop", "IDP_CLIENT_ID", "c", "IDP_CLIENT_SECRET", "s",
                                "API_URL", "http://127.0.0.1:8009", "POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:1/hoop"), 1,
                        "hoop start gateway: opening PostgreSQL 127.0.0.1:1/hoop failed: "),
                Arguments.of(Map.of("POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:1/hoop"), 1,
                        "hoop start gateway: opening PostgreSQL 127.0.0.1:1/hoop failed: connection refused\n"),
                // the README's example with a host that does not resolve: once "failed: db"
                Arguments.of(Map.of("POSTGRES_DB_URI", "postgres://hoopuser:my%40pass@db.invalid:5432/hoopdb"), 1,
                        "hoop start gateway: opening PostgreSQL db.invalid:5432/hoopdb failed: unknown host db.invalid\n"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void failsWithExitCodeAndMessage(Map<String, String> vars, int code, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = StartGatewayCommand.run(new Env(TestGateway.env(dataDir, vars)), dataDir, new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertThat(exit).isEqualTo(code);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(message);
    }

    @ParameterizedTest
    @MethodSource("none")
    void startsAndStopsCleanly(Map<String, String> vars) {
        TestPostgres pg = TestPostgres.create();
        try {
            Map<String, String> env = new java.util.HashMap<>(TestGateway.env(dataDir, vars));
            env.put("POSTGRES_DB_URI", pg.uri());
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(StartGatewayCommand.run(new Env(env), dataDir, new PrintStream(err, true, StandardCharsets.UTF_8), false)).isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        } finally {
            pg.close();
        }
    }

    @ParameterizedTest
    @MethodSource("portVariables")
    void busyPortFailsWithExitCode1NamingTheVariable(String variable, String message) throws Exception {
        TestPostgres pg = TestPostgres.create();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = new java.util.HashMap<>(TestGateway.env(dataDir, Map.of()));
            env.put("POSTGRES_DB_URI", pg.uri());
            env.put(variable, String.valueOf(taken.getLocalPort()));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(StartGatewayCommand.run(new Env(env), dataDir, new PrintStream(err, true, StandardCharsets.UTF_8), false)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(message.replace("PORT", String.valueOf(taken.getLocalPort())))
                    .contains("set " + variable + " to a free port");
        } finally {
            pg.close();
        }
    }

    @org.junit.jupiter.api.Test
    void unreachableIdentityProviderFailsWithExitCode1AndTheDiscoveryUrl() {
        TestPostgres pg = TestPostgres.create();
        try {
            Map<String, String> env = new java.util.HashMap<>(TestGateway.env(dataDir, Map.of("IDP_ISSUER", "http://127.0.0.1:1/realms/hoop",
                    "IDP_CLIENT_ID", "c", "IDP_CLIENT_SECRET", "s", "API_URL", "http://127.0.0.1:8009")));
            env.put("POSTGRES_DB_URI", pg.uri());
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(StartGatewayCommand.run(new Env(env), dataDir, new PrintStream(err, true, StandardCharsets.UTF_8), false)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                    "hoop start gateway: IDP_ISSUER: discovery at http://127.0.0.1:1/realms/hoop/.well-known/openid-configuration failed: ");
        } finally {
            pg.close();
        }
    }

    @org.junit.jupiter.api.Test
    void unusableDataDirectoryFailsWithExitCode1AndTheFix() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dataDir.resolve("not-a-directory"), "x");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new java.util.HashMap<>(TestGateway.env(file, Map.of()));
        assertThat(StartGatewayCommand.run(new Env(env), dataDir, new PrintStream(err, true, StandardCharsets.UTF_8), false)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("hoop start gateway: starting the embedded PostgreSQL in " + file.resolve("pg") + " failed: ")
                .contains("set HOOP_DATA_DIR to another directory, or POSTGRES_DB_URI to an external PostgreSQL");
    }

    static Stream<Arguments> portVariables() {
        return Stream.of(
                Arguments.of("HOOP_API_PORT", "hoop start gateway: HTTP: cannot listen on 127.0.0.1:PORT"),
                Arguments.of("HOOP_GRPC_PORT", "hoop start gateway: gRPC: cannot listen on 127.0.0.1:PORT"));
    }

    static Stream<Map<String, String>> none() {
        return Stream.of(Map.of(), Map.of("GIN_MODE", "debug", "ADMIN_USERNAME", "ops"));
    }
}
