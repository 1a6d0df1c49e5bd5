package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.config.Env;
import dev.hoop.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway started from the production wiring ({@link GatewayServer#start}) on ephemeral ports,
 * with a small JSON-over-HTTP client for the tests.
 */
public final class TestGateway implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final GatewayServer server;
    private final HttpClient http;
    private final String base;

    private TestGateway(GatewayServer server, HttpClient http, String base) {
        this.server = server;
        this.http = http;
        this.base = base;
    }

    /** Base environment: ephemeral ports on loopback, a data dir, plus {@code extra}. */
    public static Map<String, String> env(Path dataDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOOP_API_PORT", "0");
        env.put("HOOP_GRPC_PORT", "0");
        env.put("HOOP_LISTEN_ADDR", "127.0.0.1");
        env.put("HOOP_DATA_DIR", dataDir.toString());
        env.put("STATIC_UI_PATH", dataDir.resolve("no-ui").toString());
        env.put("PLUGIN_INDEX_PATH", dataDir.resolve("indexes").toString());
        env.putAll(extra);
        return env;
    }

    public static TestGateway start(Map<String, String> env) {
        GatewayConfig cfg = GatewayConfig.from(new Env(env), Path.of("/nonexistent-default"));
        GatewayServer server = GatewayServer.start(cfg);
        return new TestGateway(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                "http://127.0.0.1:" + server.apiPort());
    }

    /** An HTTP answer: status and parsed JSON body (null when empty). */
    public record Answer(int status, JsonNode json, String raw) {
        public String message() {
            return json == null ? null : json.path("message").asText(null);
        }
    }

    public Answer call(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            String payload = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            b.method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
            if (payload != null) {
                b.header("Content-Type", "application/json");
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String raw = r.body();
            JsonNode json = raw == null || raw.isEmpty() || !r.headers().firstValue("content-type").orElse("").contains("json")
                    ? null : JSON.readTree(raw);
            return new Answer(r.statusCode(), json, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String path, String token) {
        return call("GET", path, token, null);
    }

    public Answer post(String path, String token, Object body) {
        return call("POST", path, token, body);
    }

    /** Registers the first user (admin) and answers their token. */
    public String registerAdmin(String email, String password) {
        Answer a = post("/api/localauth/register", null, Map.of("email", email, "password", password, "name", "Admin"));
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        return a.json().get("token").asText();
    }

    public String login(String email, String password) {
        Answer a = post("/api/localauth/login", null, Map.of("email", email, "password", password));
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.json().get("token").asText();
    }

    @Override
    public void close() {
        server.close();
    }
}
