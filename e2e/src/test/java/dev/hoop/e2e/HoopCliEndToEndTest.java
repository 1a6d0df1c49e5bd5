package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path through the foundation, with the real {@code bin/hoop} and the real PostgreSQL
 * at 127.0.0.1:5432 (a database of its own): start the gateway, register the first user over HTTP,
 * {@code hoop config create}, {@code hoop login}, {@code hoop admin create agent},
 * {@code hoop admin get agents -o json}, a bad token, then SIGTERM and a clean exit.
 */
class HoopCliEndToEndTest {
    private static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String EMAIL = "admin@example.com";
    private static final String PASSWORD = "e2e p@ss:w/rd%";

    @TempDir Path work;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String database = "hoop_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Process gateway;

    @BeforeEach
    void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void startLoginCreateAndListAnAgentThenStopCleanly() throws Exception {
        Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();
        int apiPort = freePort();
        int grpcPort = freePort();
        String api = "http://127.0.0.1:" + apiPort;
        HoopProcess hoop = new HoopProcess(root, work, Map.of());

        gateway = hoop.start(Map.of(
                "POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:5432/" + database + "?sslmode=disable",
                "HOOP_API_PORT", Integer.toString(apiPort),
                "HOOP_GRPC_PORT", Integer.toString(grpcPort),
                "HOOP_LISTEN_ADDR", "127.0.0.1",
                "HOOP_DATA_DIR", work.resolve("data").toString(),
                "API_URL", api,
                "GRPC_URL", "grpc://127.0.0.1:" + grpcPort,
                "PLUGIN_AUDIT_PATH", work.resolve("audit").toString(),
                "PLUGIN_INDEX_PATH", work.resolve("index").toString(),
                "LOG_ENCODING", "console"), "gateway", "start", "gateway");
        awaitHealthy(hoop, api, Duration.ofSeconds(120));

        // The first user to register becomes admin.
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(api + "/api/localauth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                        Map.of("email", EMAIL, "password", PASSWORD, "name", "Admin"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        HoopProcess.Result config = hoop.run("config", "create", "--api-url", api, "--grpc-url", "grpc://127.0.0.1:" + grpcPort);
        assertThat(config.exit()).as(config.err()).isZero();

        HoopProcess.Result login = hoop.run(Map.of(), PASSWORD + "\n", "login", "--email", EMAIL);
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).startsWith("logged in to " + api + " as " + EMAIL);

        HoopProcess.Result created = hoop.run("admin", "create", "agent", "e2e-agent");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().strip())
                .matches("grpcs?://e2e-agent:xagt-[^@\\s]+@127\\.0\\.0\\.1:" + grpcPort + "\\?mode=standard");

        HoopProcess.Result listed = hoop.run("admin", "get", "agents", "-o", "json");
        assertThat(listed.exit()).as(listed.err()).isZero();
        JsonNode agents = json.readTree(listed.out());
        assertThat(agents.isArray()).isTrue();
        JsonNode agent = null;
        for (JsonNode a : agents) {
            if ("e2e-agent".equals(a.path("name").asText())) {
                agent = a;
            }
        }
        assertThat(agent).as("e2e-agent in " + listed.out()).isNotNull();
        assertThat(agent.path("mode").asText()).isEqualTo("standard");
        assertThat(agent.path("status").asText()).isEqualTo("DISCONNECTED");
        assertThat(listed.out()).doesNotContain("xagt-");

        // A bad token: non-zero exit, one sentence naming where the token came from (the server's generic
        // "missing or invalid token … sign in with 'hoop login'" is not repeated after it).
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(api + "/api/agents"))
                .header("Authorization", "Bearer not-a-token").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(401);
        String serverMessage = json.readTree(direct.body()).path("message").asText();
        assertThat(serverMessage).isNotBlank();
        HoopProcess.Result rejected = hoop.run(Map.of("HOOP_TOKEN", "not-a-token"), "", "admin", "get", "agents");
        assertThat(rejected.exit()).isNotZero();
        assertThat(serverMessage).contains("hoop login");
        assertThat(rejected.err()).isEqualTo("error: the gateway refused the token from HOOP_TOKEN (expired or invalid): "
                + "set HOOP_TOKEN to a valid token, or unset it to use the one 'hoop login' saves\n");
        assertThat(rejected.out()).isEmpty();

        // SIGTERM (Process.destroy on Unix): in-flight work finishes and the gateway exits 0.
        gateway.destroy();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("gateway stopped within 30 s after SIGTERM").isTrue();
        assertThat(gateway.exitValue()).as(hoop.read("gateway.err")).isZero();
    }

    private void awaitHealthy(HoopProcess hoop, String api, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway exited with " + gateway.exitValue() + " before it was healthy:\n"
                        + hoop.read("gateway.out") + hoop.read("gateway.err"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/healthz"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            // Polling a port has no event to wait on; the deadline bounds it.
            gateway.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the gateway was not healthy within " + timeout.toSeconds() + " s (last: " + last + "):\n"
                + hoop.read("gateway.err"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
