package dev.hoop.agent.dlp.gcp;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for Google's token endpoint and the DLP {@code content:deidentify} method (the
 * real API cannot be reached from the tests). The token endpoint checks the JWT assertion's RS256
 * signature with the public half of the key this test generated, and its claims; deidentify checks
 * the bearer token and masks e-mail addresses ({@code [EMAIL_ADDRESS]}) when the request asks for
 * EMAIL_ADDRESS, reporting the count in {@code overview.transformationSummaries}. Faults can be
 * queued (one per deidentify request).
 */
public final class DlpStandIn implements AutoCloseable {
    static final String PROJECT = "test-project";
    static final String CLIENT_EMAIL = "masker@test-project.iam.gserviceaccount.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private final HttpServer server;
    private final KeyPair keys;
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile String validToken;
    /** expires_in of the tokens issued, in seconds. */
    volatile int tokenLifetime = 3600;
    /** Request bodies of deidentify, in order. */
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** Their sizes in bytes. */
    final List<Integer> requestBytes = new CopyOnWriteArrayList<>();
    /** Why a token request or a deidentify request was refused, in order. */
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();

    /** What to do instead of (or to) the next deidentify answer. */
    public record Fault(int status, long delayMillis, UnaryOperator<ObjectNode> change) {
        public static Fault status(int status) {
            return new Fault(status, 0, null);
        }

        public static Fault delay(long millis) {
            return new Fault(200, millis, null);
        }

        static Fault change(UnaryOperator<ObjectNode> change) {
            return new Fault(200, 0, change);
        }
    }

    public DlpStandIn() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            keys = g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::deidentify);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    public void fail(Fault... next) {
        faults.addAll(List.of(next));
    }

    /** The service account JSON, with this stand-in's token_uri and the generated key. */
    String credentialsJson() {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return JSON.createObjectNode().put("type", "service_account").put("project_id", PROJECT).put("private_key_id", "k1")
                .put("private_key", pem).put("client_email", CLIENT_EMAIL).put("token_uri", baseUrl() + "/token").toString();
    }

    /** The agent environment for this stand-in. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("GOOGLE_APPLICATION_CREDENTIALS_JSON", credentialsJson());
        env.put("GOOGLE_DLP_ENDPOINT", baseUrl());
        return env;
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> fields = new HashMap<>();
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String why = checkAssertion(fields);
            if (why != null) {
                refusals.add(why);
                send(ex, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            String token = "tok-" + tokensIssued.incrementAndGet();
            validToken = token;
            send(ex, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", tokenLifetime).put("token_type", "Bearer").toString());
        }
    }

    private String checkAssertion(Map<String, String> fields) {
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) {
            return "grant_type " + fields.get("grant_type");
        }
        String[] parts = fields.getOrDefault("assertion", "").split("\\.");
        if (parts.length != 3) {
            return "assertion has " + parts.length + " parts";
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(keys.getPublic());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "bad signature";
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long now = Instant.now().getEpochSecond();
            if (!header.path("alg").asText().equals("RS256") || !header.path("kid").asText().equals("k1")) {
                return "header " + header;
            }
            if (!claims.path("iss").asText().equals(CLIENT_EMAIL) || !claims.path("aud").asText().equals(baseUrl() + "/token")
                    || !claims.path("scope").asText().equals("https://www.googleapis.com/auth/cloud-platform")
                    || Math.abs(claims.path("iat").asLong() - now) > 60 || claims.path("exp").asLong() - claims.path("iat").asLong() != 3600) {
                return "claims " + claims;
            }
            return null;
        } catch (Exception e) {
            return "assertion unreadable: " + e;
        }
    }

    private void deidentify(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestURI().getPath().equals("/v2/projects/" + PROJECT + "/content:deidentify")
                    || !ex.getRequestMethod().equals("POST")) {
                refusals.add("path " + ex.getRequestURI());
                send(ex, 404, "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\"}}");
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (validToken == null || !("Bearer " + validToken).equals(auth)) {
                refusals.add("bearer token");
                send(ex, 401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}");
                return;
            }
            JsonNode request = JSON.readTree(body);
            requests.add(request);
            requestBytes.add(body.length);
            Fault fault = faults.poll();
            if (fault != null && fault.delayMillis() > 0) {
                try {
                    Thread.sleep(fault.delayMillis()); // the stand-in being slow, not test synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (fault != null && fault.status() != 200) {
                send(ex, fault.status(), "{\"error\":{\"code\":" + fault.status() + ",\"message\":\"secret a@b.example\",\"status\":\"INTERNAL\"}}");
                return;
            }
            ObjectNode answer = answer(request);
            if (fault != null && fault.change() != null) {
                answer = fault.change().apply(answer);
            }
            send(ex, 200, answer.toString());
        }
    }

    private static ObjectNode answer(JsonNode request) {
        boolean emails = false;
        for (JsonNode t : request.path("inspectConfig").path("infoTypes")) {
            emails |= t.path("name").asText().equals("EMAIL_ADDRESS");
        }
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode table = answer.putObject("item").putObject("table");
        table.set("headers", request.path("item").path("table").path("headers").deepCopy());
        ArrayNode rows = table.putArray("rows");
        int count = 0;
        for (JsonNode row : request.path("item").path("table").path("rows")) {
            ArrayNode values = rows.addObject().putArray("values");
            for (JsonNode v : row.path("values")) {
                String text = v.path("stringValue").asText();
                if (emails) {
                    Matcher m = EMAIL.matcher(text);
                    StringBuilder sb = new StringBuilder();
                    while (m.find()) {
                        count++;
                        m.appendReplacement(sb, "[EMAIL_ADDRESS]");
                    }
                    m.appendTail(sb);
                    text = sb.toString();
                }
                values.addObject().put("stringValue", text);
            }
        }
        ObjectNode overview = answer.putObject("overview");
        ArrayNode summaries = overview.putArray("transformationSummaries");
        if (count > 0) {
            ObjectNode s = summaries.addObject();
            s.putObject("infoType").put("name", "EMAIL_ADDRESS");
            s.putArray("results").addObject().put("count", String.valueOf(count)).put("code", "SUCCESS");
        }
        return answer;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /** The rows each deidentify request carried. */
    public List<Integer> rowsPerRequest() {
        List<Integer> out = new ArrayList<>();
        for (JsonNode r : requests) {
            out.add(r.path("item").path("table").path("rows").size());
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
