package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.Wire;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway from the production wiring against the real PostgreSQL at 127.0.0.1:5432. */
class ExternalPostgresGatewayTest {
    @TempDir
    static Path dataDir;
    static TestPostgres pg;
    static TestGateway gw;
    static ManagedChannel channel;
    static String adminToken;

    @BeforeAll
    static void start() {
        pg = TestPostgres.create();
        gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", pg.uri())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        adminToken = gw.registerAdmin("admin@example.com", "correct-horse");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            if (pg != null) {
                pg.close(); // drop the test database even when start failed
            }
        }
    }

    @Test
    void healthzIsOkWhileTheDatabaseAnswers() {
        TestGateway.Answer a = gw.get("/api/healthz", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().toString()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void plaintextApiSpeaksHttp2ByH2cUpgrade() throws Exception {
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gw.server.apiPort() + "/api/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    }

    @Test
    void schemaLivesInItsOwnSchemaWithEveryTable() throws Exception {
        var tables = new java.util.ArrayList<String>();
        try (var c = gw.server.database().dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'hoop'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("orgs", "users", "user_groups", "agents", "client_keys", "connections", "connection_secrets",
                "plugins", "plugin_connections", "sessions", "session_events", "reviews", "review_groups", "login_states",
                "api_keys", "server_config", "flyway_schema_history");
    }

    @Test
    void connectWithoutOriginIsInvalidArgument() throws Exception {
        Status s = GrpcProbe.connect(channel, Map.of(Wire.AUTHORIZATION.name(), "Bearer " + adminToken)).awaitEnd();
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(s.getDescription()).isEqualTo("missing origin");
        Status unknown = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), "martian")).awaitEnd();
        assertThat(unknown.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unknown.getDescription()).isEqualTo("missing origin");
    }

    @Test
    void connectWithoutCredentialsIsUnauthenticated() throws Exception {
        Status client = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT)).awaitEnd();
        assertThat(client.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(client.getDescription()).isEqualTo("missing or invalid token (expected: authorization: Bearer <token>; sign in with 'hoop login')");
        Status agent = GrpcProbe.connect(channel, GrpcProbe.agentMetadata("xagt-not-a-real-key")).awaitEnd();
        assertThat(agent.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(agent.getDescription()).startsWith("invalid agent key");
    }

    @Test
    void aClientStreamForAnUnknownConnectionIsNotFound() throws Exception {
        GrpcProbe.Stream s = GrpcProbe.connect(channel, Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT,
                Wire.AUTHORIZATION.name(), "Bearer " + adminToken, Wire.CONNECTION_NAME.name(), "pg", Wire.VERB.name(), "connect"));
        Status end = s.awaitEnd();
        assertThat(end.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(end.getDescription()).isEqualTo("connection 'pg' not found");
        assertThat(s.received()).isEmpty();
    }

    @Test
    void agentConnectsOnceAndIsShownConnectedUntilItsStreamEnds() throws Exception {
        TestGateway.Answer created = gw.post("/api/agents", adminToken, Map.of("name", "edge-1", "mode", "standard"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        AgentDsn dsn = AgentDsn.parse(created.json().get("token").asText());
        assertThat(dsn.scheme()).isEqualTo("grpc");
        assertThat(dsn.port()).isEqualTo(gw.server.grpcPort());

        GrpcProbe.Stream first = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(dsn.secret()));
        assertThat(first.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        assertThat(agentField("edge-1", "status")).isEqualTo("CONNECTED");
        assertThat(agentField("edge-1", "hostname")).isEqualTo("test-host");

        Status second = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(dsn.secret())).awaitEnd();
        assertThat(second.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(second.getDescription()).isEqualTo("agent already connected");

        var transport = dev.hoop.proto.TransportGrpc.newBlockingStub(channel)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata(GrpcProbe.agentMetadata(dsn.secret()))));
        var pre = transport.preConnect(dev.hoop.proto.PreConnectRequest.newBuilder().setName("edge-1").build());
        assertThat(pre.getStatus()).isEqualTo("BACKOFF");
        assertThat(pre.getMessage()).isEqualTo("agent already connected");

        first.toGateway().onCompleted();
        assertThat(first.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
        await(() -> "DISCONNECTED".equals(agentField("edge-1", "status")), "agent shown DISCONNECTED");
        assertThat(transport.preConnect(dev.hoop.proto.PreConnectRequest.newBuilder().setName("edge-1").build()).getStatus())
                .isEqualTo("CONNECT");
        assertThat(transport.healthCheck(dev.hoop.proto.HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo("SERVING");
    }

    @Test
    void preConnectWithoutAValidAgentKeyIsUnauthenticated() {
        var transport = dev.hoop.proto.TransportGrpc.newBlockingStub(channel)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata(GrpcProbe.agentMetadata("xagt-wrong"))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.preConnect(dev.hoop.proto.PreConnectRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    private static io.grpc.Metadata metadata(Map<String, String> values) {
        io.grpc.Metadata md = new io.grpc.Metadata();
        values.forEach((k, v) -> md.put(io.grpc.Metadata.Key.of(k, io.grpc.Metadata.ASCII_STRING_MARSHALLER), v));
        return md;
    }

    private static String agentField(String name, String field) {
        TestGateway.Answer a = gw.get("/api/agents/" + name, adminToken);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return a.json().path(field).asText(null);
    }

    static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after 10 s waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // poll interval, not synchronisation
        }
    }
}
