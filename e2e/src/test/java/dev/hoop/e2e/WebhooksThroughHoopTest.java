package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks with the real binaries: the endpoint made with {@code hoop admin create webhook}, sessions
 * run by the real CLI, a receiver that verifies every signature and dedupes by {@code webhook-id} as
 * Standard Webhooks receivers must, answering 500 to its first two requests; the gateway is killed
 * (SIGKILL) while messages wait for their retry, restarted on the same database, and every event
 * still arrives: each id taken exactly once, none missing.
 */
class WebhooksThroughHoopTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path work;
    HoopStack stack;
    Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        // the first retry 12 to 18 s after a refusal: time enough to start session B and kill the gateway while the
        // refused messages wait for it (it is kept in the database, so the next gateway honours it)
        stack = HoopStack.installed(work, Map.of("WEBHOOK_RETRY_DELAY", "15s", "WEBHOOK_TIMEOUT", "5s"));
        stack.createConnection("sh", "command-line", Map.of(), "bash");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            stack.close();
        } finally {
            receiver.close();
        }
    }

    @Test
    void everyEventArrivesExactlyOnceAcrossAKilledGateway() throws Exception {
        HoopProcess.Result created = stack.exec("", "admin", "create", "webhook", "sink", "--url", receiver.url(),
                "--events", "session.open,session.close");
        assertThat(created.exit()).as(created.err()).isZero();
        receiver.secret = created.out().strip();
        assertThat(receiver.secret).startsWith("whsec_");
        assertThat(created.err()).contains("webhook 'sink' created; the signing secret above is shown once");

        // session A: opened and closed by the real CLI
        HoopProcess.Result a = stack.exec("", "exec", "sh", "-i", "echo webhook-a");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo("webhook-a\n");
        // session B: still running when the gateway dies; its close comes from the next gateway
        Process b = stack.hoop.start(stack.userEnv(), "exec-long", "exec", "sh", "-i", "sleep 120");
        HoopStack.await("three events queued and the receiver refused two", Duration.ofSeconds(30),
                () -> outboxRows() == 3 && receiver.answered(500) == 2);

        stack.gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: nothing is flushed
        // an id taken just before the kill may come again (the gateway died before recording the 200): at least once
        Set<String> takenBeforeKill = receiver.processed().keySet();
        assertThat(pendingRows()).as("messages waiting for their retry when the gateway died").isPositive();
        b.waitFor(30, TimeUnit.SECONDS);
        stack.startGateway();

        HoopStack.await("all four events taken", Duration.ofSeconds(90), () -> receiver.processed().size() == 4 && deliveredRows() == 4);

        // none missing: what the receiver processed is exactly what the outbox holds, all delivered
        Set<String> outboxIds = new HashSet<>(sql("SELECT msg_id FROM hoop.webhook_outbox WHERE status = 'delivered'"));
        assertThat(receiver.processed().keySet()).isEqualTo(outboxIds);
        // exactly once each, every request signed correctly, and the two refusals retried with their own ids
        assertThat(receiver.counts().entrySet().stream().filter(e -> !takenBeforeKill.contains(e.getKey())).map(Map.Entry::getValue))
                .as("what was not taken before the kill is delivered exactly once").containsOnly(1);
        assertThat(receiver.badSignatures).isZero();
        assertThat(receiver.answered(500)).isEqualTo(2);
        assertThat(receiver.firstRefused).allSatisfy(id -> assertThat(receiver.processed()).containsKey(id));

        Map<String, List<String>> typesBySession = new HashMap<>();
        for (JsonNode event : receiver.processed().values()) {
            typesBySession.computeIfAbsent(event.get("data").get("id").asText(), k -> new ArrayList<>()).add(event.get("type").asText());
        }
        assertThat(typesBySession).hasSize(2).allSatisfy((session, types) ->
                assertThat(types).containsExactlyInAnyOrder("session.open", "session.close"));
        JsonNode orphanClose = receiver.processed().values().stream()
                .filter(e -> e.get("type").asText().equals("session.close") && !e.get("data").get("error").isNull()).findFirst().orElseThrow();
        assertThat(orphanClose.get("data").get("error").asText()).isEqualTo("the gateway stopped during the session");
        assertThat(orphanClose.get("data").get("user_email").asText()).isEqualTo(HoopStack.EMAIL);
        assertThat(orphanClose.get("data").get("connection").asText()).isEqualTo("sh");

        // the CLI's views: no secret anywhere, the delivery log with every attempt
        HoopProcess.Result list = stack.exec("", "admin", "get", "webhooks");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("sink", receiver.url(), "session.close,session.open", "true")
                .doesNotContain(receiver.secret.substring(6));
        HoopProcess.Result log = stack.exec("", "admin", "get", "webhook", "sink", "--deliveries", "-o", "json");
        assertThat(log.exit()).as(log.err()).isZero();
        JsonNode deliveries = JSON.readTree(log.out());
        assertThat(deliveries).hasSize(4);
        int attempts = 0;
        for (JsonNode d : deliveries) {
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            attempts += d.get("attempts").asInt();
        }
        assertThat(attempts).as("four successes plus the two refusals (plus any attempt the kill cut short)").isGreaterThanOrEqualTo(6);
        assertThat(log.out()).doesNotContain(receiver.secret.substring(6));

        HoopProcess.Result deleted = stack.exec("", "admin", "delete", "webhook", "sink");
        assertThat(deleted.out()).isEqualTo("webhook 'sink' deleted\n");
        assertThat(JSON.readTree(stack.exec("", "admin", "get", "webhooks", "-o", "json").out())).isEmpty();
    }

    private int outboxRows() {
        return count("SELECT count(*) FROM hoop.webhook_outbox");
    }

    private int pendingRows() {
        return count("SELECT count(*) FROM hoop.webhook_outbox WHERE status = 'pending'");
    }

    private int deliveredRows() {
        return count("SELECT count(*) FROM hoop.webhook_outbox WHERE status = 'delivered'");
    }

    private int count(String query) {
        List<String> rows = sql(query);
        return rows.isEmpty() ? 0 : Integer.parseInt(rows.getFirst());
    }

    private List<String> sql(String query) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + stack.gatewayDb, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(query)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (java.sql.SQLException e) {
            // the schema appears with the gateway's first start
            return List.of();
        }
    }

    /**
     * A Standard Webhooks receiver: verifies the signature, refuses its first two requests with 500,
     * and processes each {@code webhook-id} once (a repeat is answered 200 and not processed again).
     */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        volatile String secret;
        final Map<String, JsonNode> processed = new HashMap<>();
        final Map<String, Integer> processedCount = new HashMap<>();
        final Map<Integer, Integer> answers = new HashMap<>();
        final List<String> firstRefused = new ArrayList<>();
        int badSignatures;
        int requests;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hook", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        private void handle(HttpExchange x) throws IOException {
            String body;
            try (InputStream in = x.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String id = x.getRequestHeaders().getFirst("webhook-id");
            String ts = x.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = x.getRequestHeaders().getFirst("webhook-signature");
            int status;
            synchronized (this) {
                requests++;
                if (secret == null || id == null || ts == null || !valid(id, ts, body, sig)) {
                    badSignatures++;
                    status = 401;
                } else if (requests <= 2) {
                    firstRefused.add(id);
                    status = 500;
                } else {
                    if (!processed.containsKey(id)) {
                        processed.put(id, JSON.readTree(body));
                    }
                    processedCount.merge(id, 1, Integer::sum);
                    status = 200;
                }
                answers.merge(status, 1, Integer::sum);
            }
            x.sendResponseHeaders(status, -1);
            x.close();
        }

        private boolean valid(String id, String ts, String body, String header) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
                String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
                long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(ts));
                return header != null && age < 300 && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                        header.getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                return false;
            }
        }

        synchronized int answered(int status) {
            return answers.getOrDefault(status, 0);
        }

        synchronized Map<String, Integer> counts() {
            return Map.copyOf(processedCount);
        }

        synchronized Map<String, JsonNode> processed() {
            return Map.copyOf(processed);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
