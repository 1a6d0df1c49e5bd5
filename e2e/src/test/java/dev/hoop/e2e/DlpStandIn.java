package dev.hoop.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Google's token endpoint and DLP {@code content:deidentify} (the real API
 * cannot be reached from CI), for the agent process: the token endpoint verifies the JWT
 * assertion's RS256 signature with the public half of the key generated here; deidentify checks
 * the bearer token and replaces e-mail addresses with {@code [EMAIL_ADDRESS]}, counting them in
 * {@code overview.transformationSummaries}. (The agent module's unit tests have a fuller one.)
 */
final class DlpStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final String EMAIL_ADDRESS = "EMAIL_ADDRESS";

    private final HttpServer server;
    private final KeyPair keys;
    private volatile String token;
    /** Every value that reached deidentify, and why requests were refused. */
    final List<String> valuesSeen = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();

    DlpStandIn() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/v2/projects/e2e-project/content:deidentify", this::deidentify);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The agent's environment: the service account JSON (this stand-in's token_uri) and the API base URL. */
    Map<String, String> agentEnv() {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        String json = JSON.createObjectNode().put("type", "service_account").put("project_id", "e2e-project")
                .put("private_key_id", "e2e").put("private_key", pem).put("client_email", "masker@e2e-project.iam.gserviceaccount.com")
                .put("token_uri", baseUrl() + "/token").toString();
        return Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", json, "GOOGLE_DLP_ENDPOINT", baseUrl(), "GOOGLE_DLP_RETRIES", "1",
                "GOOGLE_DLP_TIMEOUT_MS", "5000");
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            String assertion = null;
            for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                if (pair.startsWith("assertion=")) {
                    assertion = URLDecoder.decode(pair.substring("assertion=".length()), StandardCharsets.UTF_8);
                }
            }
            if (!verified(assertion)) {
                refusals.add("token: bad assertion");
                send(ex, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            token = "e2e-token-" + System.nanoTime();
            send(ex, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3600).toString());
        }
    }

    private boolean verified(String assertion) {
        try {
            String[] parts = assertion.split("\\.");
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(keys.getPublic());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return rsa.verify(Base64.getUrlDecoder().decode(parts[2])) && claims.path("aud").asText().equals(baseUrl() + "/token");
        } catch (Exception e) {
            return false;
        }
    }

    private void deidentify(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode request = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (token == null || !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                refusals.add("deidentify: bearer token");
                send(ex, 401, "{\"error\":{\"status\":\"UNAUTHENTICATED\"}}");
                return;
            }
            boolean emails = request.path("inspectConfig").toString().contains(EMAIL_ADDRESS);
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode rows = answer.putObject("item").putObject("table").putArray("rows");
            int count = 0;
            for (JsonNode row : request.path("item").path("table").path("rows")) {
                ArrayNode values = rows.addObject().putArray("values");
                for (JsonNode v : row.path("values")) {
                    String text = v.path("stringValue").asText();
                    valuesSeen.add(text);
                    Matcher m = EMAIL.matcher(text);
                    StringBuilder sb = new StringBuilder();
                    while (emails && m.find()) {
                        count++;
                        m.appendReplacement(sb, "[EMAIL_ADDRESS]");
                    }
                    m.appendTail(sb);
                    values.addObject().put("stringValue", sb.toString());
                }
            }
            ObjectNode summary = answer.putObject("overview").putArray("transformationSummaries").addObject();
            summary.putObject("infoType").put("name", EMAIL_ADDRESS);
            summary.putArray("results").addObject().put("count", String.valueOf(count)).put("code", "SUCCESS");
            send(ex, 200, answer.toString());
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /** Stops answering: the agent's next request finds nothing listening. */
    @Override
    public void close() {
        server.stop(0);
    }
}
