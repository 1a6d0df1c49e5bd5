package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.metrics.ApiMetrics;
import dev.hoop.proto.Packet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} of a gateway on real PostgreSQL, listening on every address so that a
 * scraper from this host's non-loopback address counts as remote: what a real session through the
 * tunnel moves, that no label carries an id or anything a client sent, the rule for scrapers
 * without {@code METRICS_TOKEN}, and that the Grafana dashboard only charts metrics it exposes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsApiTest {
    static final String ADMIN = "boss@metrics.example";
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("HOOP_LISTEN_ADDR", "0.0.0.0").admin(ADMIN, "boss-password");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TestGateway gw;
    ManagedChannel channel;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
    }

    static HttpResponse<String> get(String host, int port, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    PromText scrape() throws Exception {
        HttpResponse<String> r = get("127.0.0.1", gw.server.apiPort(), "/metrics", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        return PromText.parse(r.body());
    }

    /** Scrapes until {@code condition} holds or 10 s passed; returns the last scrape. */
    PromText scrapeUntil(String what, Predicate<PromText> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PromText last = scrape();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s; last scrape: " + last.samples().stream()
                        .filter(s -> s.name().startsWith("hoop_")).toList());
            }
            TimeUnit.MILLISECONDS.sleep(50);
            last = scrape();
        }
        return last;
    }

    @Test
    void aSessionThroughTheTunnelMovesTheCounts() throws Exception {
        String admin = fixture.adminToken();
        JsonNode agent = gw.post("/api/agents", admin, Map.of("name", "m-agent")).json();
        assertThat(gw.post("/api/connections", admin, Map.of("name", "m-shell", "type", "command-line", "command", List.of("bash"),
                "agent_name", "m-agent")).status()).isEqualTo(201);
        Map<String, String> exec = Map.of("type", "command-line", "verb", "exec");
        Map<String, String> toAgent = Map.of("direction", "to_agent", "type", "command-line");
        Map<String, String> toClient = Map.of("direction", "to_client", "type", "command-line");
        PromText before = scrape();
        // every series of the closed label sets is there from the start
        assertThat(before.value("hoop_sessions_open", exec)).isZero();
        assertThat(before.value("hoop_relay_bytes_total", Map.of("direction", "to_client", "type", "postgres"))).isNotNaN();
        double agentsBefore = before.value("hoop_agents_online");
        double flushesBefore = before.value("hoop_audit_flush_seconds_count");

        GrpcProbe.Stream agentStream = GrpcProbe.connect(channel,
                GrpcProbe.agentMetadata(AgentDsn.parse(agent.get("token").asText()).secret()));
        assertThat(agentStream.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        scrapeUntil("the agent counts as online", p -> p.value("hoop_agents_online") == agentsBefore + 1);

        GrpcProbe.Stream client = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT,
                Wire.CONNECTION_NAME.name(), "m-shell", Wire.VERB.name(), "exec", Wire.AUTHORIZATION.name(), "Bearer " + admin));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        Packet open = nextOf(agentStream, AgentPacket.SESSION_OPEN);
        String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
        PromText during = scrape();
        assertThat(during.value("hoop_sessions_open", exec)).isEqualTo(1);
        assertThat(during.value("hoop_sessions_opened_total", exec) - before.value("hoop_sessions_opened_total", exec))
                .isEqualTo(1);

        client.toGateway().onNext(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, Map.of(), "input".getBytes(StandardCharsets.UTF_8)));
        assertThat(nextOf(agentStream, AgentPacket.EXEC_WRITE_STDIN).getPayload().toStringUtf8()).isEqualTo("input");
        agentStream.toGateway().onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid),
                "hello!".getBytes(StandardCharsets.UTF_8)));
        assertThat(nextOf(client, ClientPacket.WRITE_STDOUT).getPayload().toStringUtf8()).isEqualTo("hello!");
        agentStream.toGateway().onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid,
                SpecKey.CLIENT_EXIT_CODE, "0"), null));
        assertThat(nextOf(client, ClientPacket.SESSION_CLOSE)).isNotNull();
        assertThat(client.awaitEnd().getCode()).isEqualTo(Status.Code.OK);

        PromText after = scrapeUntil("the session's end is recorded",
                p -> p.value("hoop_sessions_open", exec) == 0 && p.value("hoop_audit_flush_seconds_count") > flushesBefore);
        assertThat(after.value("hoop_relay_packets_total", toAgent) - before.value("hoop_relay_packets_total", toAgent))
                .isEqualTo(1);
        assertThat(after.value("hoop_relay_bytes_total", toAgent) - before.value("hoop_relay_bytes_total", toAgent))
                .isEqualTo(5);
        // the output and the close
        assertThat(after.value("hoop_relay_packets_total", toClient) - before.value("hoop_relay_packets_total", toClient))
                .isEqualTo(2);
        assertThat(after.value("hoop_relay_bytes_total", toClient) - before.value("hoop_relay_bytes_total", toClient))
                .isEqualTo(6);
        assertThat(after.value("hoop_api_request_duration_seconds_count", Map.of("method", "POST", "route", "/api/connections", "code", "201")))
                .isGreaterThanOrEqualTo(1);
        assertThat(after.value("hoop_reviews_pending")).isZero();
        assertThat(after.value("hoop_webhook_outbox_pending")).isZero();
        assertThat(after.value("hoop_audit_wal_backlog_events")).isZero();
        assertThat(after.names()).contains("jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds_count");

        agentStream.toGateway().onCompleted();
        agentStream.awaitEnd();
        scrapeUntil("the agent counts as offline", p -> p.value("hoop_agents_online") == agentsBefore);
    }

    /** The next packet of {@code type}, past the gateway's keep-alives. */
    static Packet nextOf(GrpcProbe.Stream stream, String type) throws InterruptedException {
        Packet p = stream.next();
        while (p.getType().equals(GatewayPacket.KEEP_ALIVE)) {
            p = stream.next();
        }
        assertThat(p.getType()).isEqualTo(type);
        return p;
    }

    @Test
    void labelsNeverCarryIdsPathsOrWhatAClientSent() throws Exception {
        String admin = fixture.adminToken();
        String id = UUID.randomUUID().toString();
        String marker = "zz-crafted-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> paths = List.of("/api/sessions/" + id, "/api/connections/" + marker, "/api/" + marker, "/" + marker + "/" + id,
                "/api/sessions/" + id + "/events?x=" + marker);
        for (String path : paths) {
            assertThat(gw.get(path, admin).status()).isLessThan(500);
        }
        for (String method : List.of("BREW", "PROPFIND", "DELETE")) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.server.apiPort() + "/api/" + marker))
                    .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
            assertThat(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isLessThan(500);
        }
        HttpResponse<String> raw = get("127.0.0.1", gw.server.apiPort(), "/metrics", Map.of("User-Agent", marker));
        assertThat(raw.body()).doesNotContain(id, marker, ADMIN, "m-shell", "m-agent");
        PromText p = PromText.parse(raw.body());

        Set<String> templates = new HashSet<>(List.of(ApiMetrics.UNMATCHED, ApiMetrics.WEB_APP));
        gw.server.routes().forEach(r -> templates.add(r.path()));
        assertThat(p.labelValues("hoop_api_request_duration_seconds_count", "route")).isSubsetOf(templates)
                .contains("/api/sessions/{id}", ApiMetrics.UNMATCHED, ApiMetrics.WEB_APP);
        assertThat(p.labelValues("hoop_api_request_duration_seconds_count", "method"))
                .isSubsetOf("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER");
        assertThat(p.labelValues("hoop_api_request_duration_seconds_count", "code")).allMatch(c -> c.matches("[1-5][0-9][0-9]"));
        // every label value of every hoop_ metric is from a closed set: no UUID anywhere
        Pattern uuid = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-");
        p.samples().stream().filter(s -> s.name().startsWith("hoop_"))
                .forEach(s -> assertThat(s.labels().values()).as(s.toString()).noneMatch(v -> uuid.matcher(v).find()));
    }

    @Test
    void aRemoteScraperWithoutTheTokenIsRefused() throws Exception {
        Optional<InetAddress> remote = nonLoopbackAddress();
        assumeTrue(remote.isPresent(), "this host has no non-loopback IPv4 address to scrape from");
        HttpResponse<String> r = get(remote.get().getHostAddress(), gw.server.apiPort(), "/metrics", Map.of());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(TestGateway.JSON.readTree(r.body()).get("message").asText()).isEqualTo(MetricsApi.NOT_LOCAL);
        assertThat(r.body()).doesNotContain("hoop_", "jvm_");
        // a token nobody configured opens nothing either
        HttpResponse<String> guessed = get(remote.get().getHostAddress(), gw.server.apiPort(), "/metrics",
                Map.of("Authorization", "Bearer " + fixture.adminToken()));
        assertThat(guessed.statusCode()).isEqualTo(403);
    }

    @Test
    void aScrapeRelayedByAReverseProxyOnThisHostIsRefused() throws Exception {
        for (Map.Entry<String, String> header : Map.of("X-Forwarded-For", "203.0.113.9", "Forwarded", "for=203.0.113.9",
                "X-Real-IP", "203.0.113.9").entrySet()) {
            HttpResponse<String> r = get("127.0.0.1", gw.server.apiPort(), "/metrics", Map.of(header.getKey(), header.getValue()));
            assertThat(r.statusCode()).as(header.getKey()).isEqualTo(403);
            assertThat(TestGateway.JSON.readTree(r.body()).get("message").asText()).isEqualTo(MetricsApi.RELAYED);
        }
    }

    @Test
    void theGrafanaDashboardChartsOnlyMetricsTheGatewayExposes() throws Exception {
        HttpResponse<String> r = get("127.0.0.1", gw.server.apiPort(), "/metrics", Map.of());
        Set<String> exposed = new HashSet<>(PromText.parse(r.body()).names());
        // a family without samples yet (a labelled histogram nobody observed) still has its TYPE line
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(r.body());
        while (type.find()) {
            String family = type.group(1);
            exposed.add(family);
            for (String suffix : List.of("_bucket", "_count", "_sum", "_total")) {
                exposed.add(family + suffix);
            }
        }
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("..", "deploy", "grafana", "hoop.json")));
        assertThat(dashboard.path("title").asText()).isNotBlank();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        assertThat(panels).as("dashboard panels").hasSizeGreaterThanOrEqualTo(8);
        Pattern metric = Pattern.compile("\\b((?:hoop|jvm|process)_[a-zA-Z0-9_]+)");
        Map<String, List<String>> unknown = new HashMap<>();
        Set<String> charted = new HashSet<>();
        for (JsonNode panel : panels) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("targets of panel '%s'", panel.path("title").asText()).isPositive();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Matcher m = metric.matcher(expr);
                assertThat(m.find()).as("panel '%s' expression names a metric: %s", panel.path("title").asText(), expr).isTrue();
                m.reset();
                while (m.find()) {
                    charted.add(m.group(1));
                    if (!exposed.contains(m.group(1))) {
                        unknown.computeIfAbsent(panel.path("title").asText(), k -> new ArrayList<>()).add(m.group(1));
                    }
                }
            }
        }
        assertThat(unknown).as("metrics the dashboard charts but the gateway does not expose").isEmpty();
        assertThat(charted).contains("hoop_sessions_open", "hoop_relay_bytes_total", "hoop_agents_online", "hoop_audit_write_seconds_bucket",
                "hoop_api_request_duration_seconds_bucket", "hoop_reviews_pending", "hoop_webhook_outbox_pending");
    }

    static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
    }
}
