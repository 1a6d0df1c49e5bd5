package dev.hoop.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the gateway's REST API (the contract in the CLI brief), in memory, on an
 * ephemeral port: the real gateway lives on another branch, and these tests pin what the CLI sends
 * and how it shows each answer. One admin token and one non-admin token; every request is recorded.
 */
public final class FakeGateway implements AutoCloseable {
    public static final String ADMIN_TOKEN = "admin-token-0123456789";
    public static final String USER_TOKEN = "user-token-0123456789";
    public static final String EMAIL = "alice@example.com";
    public static final String PASSWORD = "p@ss w0rd";

    /** One request as received. */
    public record Request(String method, String path, String authorization, JsonNode body) {}

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> agents = new LinkedHashMap<>();
    private final Map<String, ObjectNode> connections = new LinkedHashMap<>();
    private final Map<String, ObjectNode> users = new LinkedHashMap<>();
    private volatile String authMethod = "local";

    public FakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void authMethod(String method) {
        this.authMethod = method;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : json.readTree(raw);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(method, path, auth, body));
            route(ex, method, path, auth, body);
        }
    }

    private void route(HttpExchange ex, String method, String path, String auth, JsonNode body) throws IOException {
        if (path.equals("/api/publicserverinfo")) {
            send(ex, 200, obj().put("version", "test").put("auth_method", authMethod)
                    .put("grpc_url", "grpc://127.0.0.1:18010").put("api_url", url()));
            return;
        }
        if (path.equals("/api/localauth/login") && method.equals("POST")) {
            if (EMAIL.equals(body.path("email").asText()) && PASSWORD.equals(body.path("password").asText())) {
                send(ex, 200, obj().put("token", ADMIN_TOKEN).put("expires_at", "2030-01-01T00:00:00Z").put("refresh_token", "xref-fake-0123"));
            } else {
                send(ex, 401, message("invalid email or password"));
            }
            return;
        }
        if (auth == null || !(auth.equals("Bearer " + ADMIN_TOKEN) || auth.equals("Bearer " + USER_TOKEN))) {
            send(ex, 401, message("invalid or missing token"));
            return;
        }
        if (!auth.equals("Bearer " + ADMIN_TOKEN)) {
            send(ex, 403, message("admin only"));
            return;
        }
        String[] parts = path.split("/", 4); // "", "api", kind, name
        Map<String, ObjectNode> store = switch (parts.length > 2 ? parts[2] : "") {
            case "agents" -> agents;
            case "connections" -> connections;
            case "users" -> users;
            default -> null;
        };
        if (store == null) {
            send(ex, 404, message("no route " + path));
            return;
        }
        String name = parts.length > 3 ? parts[3] : null;
        switch (method) {
            case "GET" -> {
                if (name == null) {
                    ArrayNode list = json.createArrayNode();
                    store.values().forEach(list::add);
                    send(ex, 200, list);
                } else if (store.containsKey(name)) {
                    send(ex, 200, store.get(name));
                } else {
                    send(ex, 404, message(parts[2].substring(0, parts[2].length() - 1) + " '" + name + "' not found"));
                }
            }
            case "DELETE" -> {
                if (store.remove(name) == null) {
                    send(ex, 404, message("not found: " + name));
                } else {
                    ex.sendResponseHeaders(204, -1);
                }
            }
            case "POST" -> create(ex, parts[2], store, body);
            default -> send(ex, 405, message("method not allowed"));
        }
    }

    private void create(HttpExchange ex, String kind, Map<String, ObjectNode> store, JsonNode body) throws IOException {
        String key = kind.equals("users") ? body.path("email").asText() : body.path("name").asText();
        if (store.containsKey(key)) {
            send(ex, 409, message(kind.substring(0, kind.length() - 1) + " '" + key + "' already exists"));
            return;
        }
        ObjectNode row = obj().put("id", "id-" + (store.size() + 1));
        switch (kind) {
            case "agents" -> {
                row.put("name", key).put("mode", body.path("mode").asText()).put("status", "DISCONNECTED")
                        .putNull("hostname").putNull("version").put("created_at", "2026-11-21T05:00:00Z");
                store.put(key, row);
                send(ex, 201, obj().put("id", row.get("id").asText()).put("name", key).put("mode", body.path("mode").asText())
                        .put("token", "grpc://" + key + ":xagt-SECRET@127.0.0.1:18010?mode=standard"));
                return;
            }
            case "connections" -> {
                List<String> keys = new ArrayList<>();
                body.path("secret").fieldNames().forEachRemaining(keys::add);
                row.put("name", key).put("type", body.path("type").asText())
                        .set("subtype", body.get("subtype") == null ? null : body.get("subtype"));
                row.set("command", body.has("command") ? body.get("command") : json.createArrayNode());
                row.set("secret_keys", json.valueToTree(keys));
                row.put("agent_name", body.path("agent_name").asText());
            }
            default -> {
                row.put("email", key).put("name", body.path("name").asText()).put("status", "active");
                row.set("groups", body.path("groups"));
            }
        }
        store.put(key, row);
        send(ex, 201, row);
    }

    private ObjectNode obj() {
        return json.createObjectNode();
    }

    private ObjectNode message(String text) {
        return obj().put("message", text);
    }

    private void send(HttpExchange ex, int status, JsonNode node) throws IOException {
        byte[] bytes = json.writeValueAsBytes(node);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
