package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a new user meets it (issue 19, point 7), with the real gateway, agent and bin/hoop:
 * messages that say what failed once and where, the refresh token used instead of a new login,
 * and the agent's one clear line for a gateway host that does not resolve. The terminal's raw
 * mode is in {@link TerminalThroughHoopTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliThroughHoopTest {
    @TempDir
    static Path work;
    HoopStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createConnection("shell", "command-line", Map.of(), "bash");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> e = new java.util.HashMap<>(stack.userEnv());
        for (int i = 0; i < pairs.length; i += 2) {
            e.put(pairs[i], pairs[i + 1]);
        }
        return e;
    }

    @Test
    void aRefusedHoopTokenIsNamedOnceOverRestAndGrpc() throws Exception {
        String expected = "error: the gateway refused the token from HOOP_TOKEN (expired or invalid): set HOOP_TOKEN to a valid token, "
                + "or unset it to use the one 'hoop login' saves\n";
        HoopProcess.Result rest = stack.hoop.run(env("HOOP_TOKEN", "not-a-token"), "", "admin", "get", "agents");
        assertThat(rest.exit()).isEqualTo(1);
        assertThat(rest.err()).isEqualTo(expected);
        HoopProcess.Result grpc = stack.hoop.run(env("HOOP_TOKEN", "not-a-token"), "", "exec", "shell", "-i", "echo no");
        assertThat(grpc.exit()).isEqualTo(1);
        assertThat(grpc.err()).isEqualTo(expected);
    }

    @Test
    void anUnknownConnectionSuggestsTheListingCommand() throws Exception {
        HoopProcess.Result r = stack.exec("", "exec", "no-such-conn", "-i", "echo no");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: connection 'no-such-conn' not found; list the connections with 'hoop admin get connections'\n");
    }

    @Test
    void anUnreachableGatewayIsRefusedOrUnknownWithTheAddress() throws Exception {
        int closed = HoopStack.freePort();
        HoopProcess.Result refused = stack.hoop.run(env("HOOP_GRPCURL", "grpc://127.0.0.1:" + closed), "", "exec", "shell", "-i", "echo no");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: cannot reach the gateway at 127.0.0.1:" + closed + ": connection refused")
                .doesNotContain("io exception");
        HoopProcess.Result unknown = stack.hoop.run(env("HOOP_GRPCURL", "grpc://db.invalid:8010", "HOOP_ALLOW_PLAINTEXT", "true"), "",
                "exec", "shell", "-i", "echo no");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: cannot reach the gateway at db.invalid:8010: unknown host db.invalid");
        HoopProcess.Result api = stack.hoop.run(env("HOOP_APIURL", "http://127.0.0.1:" + closed), "", "admin", "get", "agents");
        assertThat(api.err()).startsWith("error: cannot reach the gateway at http://127.0.0.1:" + closed + "/: connection refused");
    }

    /** A login's refresh pair written as 'hoop login' writes it, with an access token the gateway refuses. */
    private Path savedLogin(String accessToken, String expiresAt) throws Exception {
        JsonNode login = stack.post("/api/localauth/login", Map.of("email", HoopStack.EMAIL, "password", HoopStack.PASSWORD), 200);
        Path file = work.resolve("home/.hoop/config.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "api_url = \"" + stack.api + "\"\ngrpc_url = \"grpc://127.0.0.1:" + stack.grpcPort + "\"\n"
                + "token = \"" + accessToken + "\"\nrefresh_token = \"" + login.get("refresh_token").asText() + "\"\n"
                + (expiresAt == null ? "" : "token_expires_at = \"" + expiresAt + "\"\n"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void anExpiredSavedTokenIsRenewedWithTheRefreshTokenInsteadOfANewLogin() throws Exception {
        // REST: the gateway answers 401, the CLI renews and repeats the call
        Path file = savedLogin("expired-or-revoked", null);
        String before = Files.readString(file);
        HoopProcess.Result r = stack.hoop.run(Map.of(), "", "admin", "get", "agents");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("e2e-agent");
        String after = Files.readString(file);
        assertThat(after).doesNotContain("expired-or-revoked").contains("token_expires_at = ");
        assertThat(refreshToken(after)).isNotEqualTo(refreshToken(before)).startsWith("xref-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // the renewed token works as it is
        assertThat(stack.hoop.run(Map.of(), "", "admin", "get", "agents").exit()).isZero();
        assertThat(Files.readString(file)).isEqualTo(after);

        // gRPC: a stream cannot be repeated, so a token past its saved expiry is renewed before it opens
        savedLogin("expired-or-revoked", "2020-01-01T00:00:00Z");
        HoopProcess.Result exec = stack.hoop.run(Map.of(), "", "exec", "shell", "-i", "echo renewed-$((6*7))");
        assertThat(exec.err()).isEmpty();
        assertThat(exec.out()).isEqualTo("renewed-42\n");

        // a used refresh token: one message, naming the file, and 'hoop login' once
        Files.writeString(file, before.replace("xref-", "xref-used-"));
        HoopProcess.Result used = stack.hoop.run(Map.of(), "", "admin", "get", "agents");
        assertThat(used.exit()).isEqualTo(1);
        assertThat(used.err()).isEqualTo("error: the gateway refused the token saved in " + file + " (expired or invalid; renewing it "
                + "failed: the refresh token was refused (used, expired or revoked)): run 'hoop login'\n");
    }

    private static String refreshToken(String toml) {
        return toml.lines().filter(l -> l.startsWith("refresh_token = ")).findFirst().orElseThrow()
                .replace("refresh_token = ", "").replace("\"", "");
    }

    @Test
    void anAgentWhoseGatewayHostDoesNotResolveSaysSoInOneLineWithoutAStackTrace() throws Exception {
        String dsn = stack.dsn.replaceFirst("@127\\.0\\.0\\.1:", "@gateway-host.invalid:");
        assertThat(dsn).contains("@gateway-host.invalid:");
        Process agent = stack.hoop.start(Map.of("HOOP_DSN", dsn, "HOOP_ALLOW_PLAINTEXT", "true", "LOG_ENCODING", "console"),
                "agent-unknown-host", "start", "agent");
        try {
            HoopStack.await("the agent names the unknown host", Duration.ofSeconds(60),
                    () -> stack.read("agent-unknown-host.err").contains("reconnecting to"));
            String log = stack.read("agent-unknown-host.err");
            assertThat(log).contains("cannot reach the gateway at gateway-host.invalid:" + stack.grpcPort
                    + ": unknown host gateway-host.invalid");
            assertThat(log).doesNotContain("\tat ").doesNotContain("UnknownHostException").doesNotContain("Failed to resolve name");
        } finally {
            agent.destroy();
            agent.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
