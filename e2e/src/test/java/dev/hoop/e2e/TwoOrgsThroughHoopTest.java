package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-tenant gateway ({@code ORG_MULTI_TENANT=true}) with two orgs, each with an agent and a
 * connection of the same names ({@code edge}, {@code shell}), all real processes from
 * {@code bin/hoop}: each org's user sees only its own, and {@code hoop exec shell} reaches its own
 * agent (the connection's secret tells which). Another org's session is 404. An API key made with
 * {@code hoop admin create apikey} works as HOOP_TOKEN until {@code hoop admin delete apikey}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoOrgsThroughHoopTest {
    @TempDir
    static Path work;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String gatewayDb = "hoop_e2e_orgs_" + HoopStack.suffix();
    final List<Process> processes = new ArrayList<>();
    HoopProcess hoop;
    String api;
    String grpc;
    Map<String, String> tokens = new java.util.HashMap<>();

    @BeforeAll
    void start() throws Exception {
        hoop = new HoopProcess(Path.of(System.getProperty("hoop.home")).toAbsolutePath(), work, Map.of());
        HoopStack.sql(HoopStack.PG_ADMIN_URL, "CREATE DATABASE " + gatewayDb);
        int apiPort = HoopStack.freePort();
        int grpcPort = HoopStack.freePort();
        api = "http://127.0.0.1:" + apiPort;
        grpc = "grpc://127.0.0.1:" + grpcPort;
        processes.add(hoop.start(Map.of(
                "POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:5432/" + gatewayDb + "?sslmode=disable",
                "ORG_MULTI_TENANT", "true",
                "HOOP_API_PORT", Integer.toString(apiPort),
                "HOOP_GRPC_PORT", Integer.toString(grpcPort),
                "HOOP_LISTEN_ADDR", "127.0.0.1",
                "HOOP_DATA_DIR", work.resolve("data").toString(),
                "PLUGIN_AUDIT_PATH", work.resolve("audit").toString(),
                "LOG_ENCODING", "console"), "gateway", "start", "gateway"));
        HoopStack.await("the gateway answers /api/healthz", Duration.ofSeconds(60), () -> status("/api/healthz", null) == 200);

        for (String org : List.of("acme", "globex")) {
            JsonNode reg = call("POST", "/api/localauth/register", null,
                    Map.of("email", "admin@" + org + ".example", "password", "e2e-password", "org", org), 201);
            String token = reg.get("token").asText();
            tokens.put(org, token);
            String dsn = call("POST", "/api/agents", token, Map.of("name", "edge"), 201).get("token").asText();
            call("POST", "/api/connections", token, Map.of("name", "shell", "type", "command-line", "command", List.of("bash"),
                    "agent_name", "edge", "secret", Map.of("GREETING", "hello from " + org)), 201);
            processes.add(hoop.start(Map.of("HOOP_DSN", dsn, "LOG_ENCODING", "console"), "agent-" + org, "start", "agent"));
            HoopStack.await("the agent of " + org + " is CONNECTED", Duration.ofSeconds(30),
                    () -> "CONNECTED".equals(field("/api/agents/edge", token, "status")));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        HoopStack.sql(HoopStack.PG_ADMIN_URL, "DROP DATABASE IF EXISTS " + gatewayDb + " WITH (FORCE)");
    }

    @Test
    void eachOrgSeesAndReachesOnlyItsOwnConnectionOfTheSameName() throws Exception {
        String acmeAgent = field("/api/agents/edge", tokens.get("acme"), "id");
        String globexAgent = field("/api/agents/edge", tokens.get("globex"), "id");
        assertThat(acmeAgent).isNotEqualTo(globexAgent);
        String sessionOfAcme = null;
        for (String org : List.of("acme", "globex")) {
            HoopProcess.Result list = hoop.run(env(tokens.get(org)), "", "admin", "get", "connections", "-o", "json");
            assertThat(list.exit()).as(list.err()).isZero();
            JsonNode conns = json.readTree(list.out());
            assertThat(conns).hasSize(1);
            assertThat(conns.get(0).get("agent_id").asText()).isEqualTo(org.equals("acme") ? acmeAgent : globexAgent);

            HoopProcess.Result exec = hoop.run(env(tokens.get(org)), "", "exec", "shell", "-i", "echo \"$GREETING\"");
            assertThat(exec.exit()).as(exec.err()).isZero();
            assertThat(exec.out()).isEqualTo("hello from " + org + "\n");

            List<JsonNode> mine = new ArrayList<>();
            for (JsonNode s : call("GET", "/api/sessions", tokens.get(org), null, 200).get("data")) {
                String by = s.get("user_email").asText();
                // only this org's users (and its API keys) appear
                assertThat(by).satisfiesAnyOf(e -> assertThat(e).endsWith("@" + org + ".example"), e -> assertThat(e).startsWith("apikey:"));
                if (by.equals("admin@" + org + ".example")) {
                    mine.add(s);
                }
            }
            assertThat(mine).hasSize(1);
            if (org.equals("acme")) {
                sessionOfAcme = mine.get(0).get("id").asText();
            }
        }
        assertThat(status("/api/sessions/" + sessionOfAcme, tokens.get("globex"))).isEqualTo(404);
        assertThat(status("/api/sessions/" + sessionOfAcme, tokens.get("acme"))).isEqualTo(200);
        assertThat(status("/api/users/admin@acme.example", tokens.get("globex"))).isEqualTo(404);
    }

    @Test
    void anApiKeyFromTheCliWorksAsTokenUntilRevoked() throws Exception {
        HoopProcess.Result created = hoop.run(env(tokens.get("globex")), "", "admin", "create", "apikey", "ci", "--groups", "eng");
        assertThat(created.exit()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).startsWith("xapi-");
        assertThat(created.err()).contains("shown once");

        HoopProcess.Result exec = hoop.run(env(key), "", "exec", "shell", "-i", "echo \"$GREETING\"");
        assertThat(exec.exit()).as(exec.err()).isZero();
        assertThat(exec.out()).isEqualTo("hello from globex\n");

        HoopProcess.Result revoked = hoop.run(env(tokens.get("globex")), "", "admin", "delete", "apikey", "ci");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        HoopProcess.Result refused = hoop.run(env(key), "", "exec", "shell", "-i", "true");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("invalid or revoked API key");
    }

    private Map<String, String> env(String token) {
        return Map.of("HOOP_APIURL", api, "HOOP_GRPCURL", grpc, "HOOP_TOKEN", token);
    }

    private String field(String path, String token, String name) {
        try {
            return call("GET", path, token, null, 200).path(name).asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    private int status(String path, String token) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                b.header("authorization", "Bearer " + token);
            }
            return http.send(b.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private JsonNode call(String method, String path, String token, Object body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).header("content-type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return json.readTree(r.body());
    }
}
