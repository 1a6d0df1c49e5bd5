package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.proto.Packet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Client keys on the production wiring: {@code /api/clientkeys}, agents signing in with a client
 * key over real gRPC and publishing their connections, and what an agent holding a client key
 * must not be able to do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientKeysTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password").captureLogs("dev.hoop");
    TestGateway gw;
    ManagedChannel channel;
    String admin;
    String user;
    final List<String> secrets = new ArrayList<>();

    @BeforeAll
    void start() {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        admin = fixture.adminToken();
        ok(gw.post("/api/users", admin, Map.of("email", "dev@example.com", "password", "dev-password")), 201);
        user = gw.login("dev@example.com", "dev-password");
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        // no secret of any key reached a log line
        for (var event : fixture.logs()) {
            for (String secret : secrets) {
                assertThat(event.getFormattedMessage()).doesNotContain(secret);
            }
        }
    }

    @Test
    void createPrintsTheDsnOnceAndStoresOnlyItsHash() throws Exception {
        TestGateway.Answer created = ok(gw.post("/api/clientkeys", admin, Map.of("name", "dev")), 201);
        String dsn = created.json().get("dsn").asText();
        AgentDsn parsed = AgentDsn.parse(dsn);
        secrets.add(parsed.secret());
        assertThat(dsn).isEqualTo("grpc://dev:" + parsed.secret() + "@127.0.0.1:" + gw.server.grpcPort() + "?mode=standard");
        assertThat(created.json().get("active").asBoolean()).isTrue();

        TestGateway.Answer list = ok(gw.get("/api/clientkeys", admin), 200);
        assertThat(list.raw()).doesNotContain(parsed.secret()).doesNotContain(AgentKeys.hash(parsed.secret()));
        JsonNode dev = StreamSupport.stream(list.json().spliterator(), false).filter(n -> n.get("name").asText().equals("dev")).findFirst().orElseThrow();
        assertThat(dev.get("active").asBoolean()).isTrue();
        assertThat(dev.get("connections").size()).isZero();
        assertThat(ok(gw.get("/api/clientkeys/dev", admin), 200).raw()).doesNotContain(parsed.secret());

        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT key_hash, row_to_json(k)::text FROM hoop.client_keys k WHERE name = 'dev'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(AgentKeys.hash(parsed.secret()));
            assertThat(rs.getString(2)).doesNotContain(parsed.secret());
        }

        TestGateway.Answer again = gw.post("/api/clientkeys", admin, Map.of("name", "dev"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("client key 'dev' exists already (PUT /api/clientkeys/dev {\"rotate\": true}, "
                + "or 'hoop admin create clientkeys dev --overwrite', issues a new key)");
    }

    @Test
    void onlyAdminsManageClientKeys() {
        assertThat(gw.get("/api/clientkeys", user).status()).isEqualTo(403);
        assertThat(gw.post("/api/clientkeys", user, Map.of("name", "mine")).status()).isEqualTo(403);
        assertThat(gw.call("PUT", "/api/clientkeys/mine", user, Map.of("active", true)).status()).isEqualTo(403);
        assertThat(gw.call("DELETE", "/api/clientkeys/mine", user, null).status()).isEqualTo(403);
        assertThat(gw.get("/api/clientkeys", null).status()).isEqualTo(401);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a:b|client key name 'a:b' is not valid (expected: 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit; it prefixes the published connections, KEY:item)",
        "-x|client key name '-x' is not valid (expected: 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit; it prefixes the published connections, KEY:item)",
        "' '|missing field 'name' (expected: 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit)",
    })
    void badNamesAreRefused(String name, String message) {
        TestGateway.Answer a = gw.post("/api/clientkeys", admin, Map.of("name", name));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.message()).isEqualTo(message);
        assertThat(gw.post("/api/clientkeys", admin, Map.of("name", "k".repeat(64))).status()).isEqualTo(400);
    }

    @Test
    void anAgentPublishesItsConnectionsOnceAndServesThem() throws Exception {
        String secret = newKey("pub");
        GrpcProbe.Stream agent = publishing(secret, " MyApp , myapp-review,myapp");
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);

        JsonNode myapp = connection("pub:myapp");
        assertThat(myapp.get("type").asText()).isEqualTo("command-line");
        assertThat(myapp.get("command").toString()).isEqualTo("[\"bash\"]");
        assertThat(myapp.get("agent_name").asText()).isEqualTo("pub/myapp,myapp-review");
        assertThat(connection("pub:myapp-review")).isNotNull();
        assertThat(ok(gw.get("/api/clientkeys/pub", admin), 200).json().get("connections").toString())
                .isEqualTo("[\"pub:myapp\",\"pub:myapp-review\"]");
        // a user reaches it like any other connection
        GrpcProbe.Stream exec = GrpcProbe.connect(channel, client(user, "exec", "pub:myapp"));
        exec.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), "echo hi".getBytes()));
        Packet open = awaitType(agent, AgentPacket.SESSION_OPEN);
        assertThat(Wire.spec(open, dev.hoop.common.wire.SpecKey.GATEWAY_CONNECTION_NAME)).isEqualTo("pub:myapp");
        exec.toGateway().onCompleted();

        // a second stream of the same item set is the same agent: refused while the first is online
        assertThat(publishing(secret, "myapp,myapp-review").awaitEnd().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

        // publishing again (a restart) updates: same ids, no duplicates; a changed set moves the connection
        String id = myapp.get("id").asText();
        agent.toGateway().onCompleted();
        agent.awaitEnd();
        awaitOffline("pub/myapp,myapp-review");
        GrpcProbe.Stream again = publishing(secret, "myapp");
        assertThat(again.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        assertThat(connection("pub:myapp").get("id").asText()).isEqualTo(id);
        assertThat(connection("pub:myapp").get("agent_name").asText()).isEqualTo("pub/myapp");
        assertThat(names(gw.get("/api/connections", admin)).stream().filter(n -> n.startsWith("pub:")).toList())
                .containsExactly("pub:myapp", "pub:myapp-review");
        again.toGateway().onCompleted();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|an agent of a client key publishes connections: set HOOP_CONNECTION (e.g. HOOP_CONNECTION=myapp publishes KEY:myapp)",
        "' , '|an agent of a client key publishes connections: set HOOP_CONNECTION (e.g. HOOP_CONNECTION=myapp publishes KEY:myapp)",
        "other:app|connection item 'other:app' is not valid (expected: 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit)",
        "../etc|connection item '../etc' is not valid (expected: 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit)",
        "my app|connection item 'my app' is not valid (expected: 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit)",
    })
    void badItemsAreRefusedBeforeAnythingIsPublished(String items, String message) throws Exception {
        String secret = newKey("bad" + Math.abs(items.hashCode()));
        Status refused = publishing(secret, items).awaitEnd();
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).isEqualTo(message);
    }

    @Test
    void sizeLimitsHold() throws Exception {
        String secret = newKey("big");
        Status tooLong = publishing(secret, "x".repeat(256)).awaitEnd();
        assertThat(tooLong.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tooLong.getDescription()).isEqualTo("connection-items: 256 characters (expected: at most 255)");
        String many = String.join(",", IntStream.range(0, 33).mapToObj(i -> "i" + i).toList());
        Status tooMany = publishing(secret, many).awaitEnd();
        assertThat(tooMany.getDescription()).isEqualTo("connection-items: 33 items (expected: at most 32)");

        // at most 100 connections per key, whatever the number of agents
        List<GrpcProbe.Stream> open = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            int base = a * 32;
            GrpcProbe.Stream s = publishing(secret, String.join(",", IntStream.range(base, base + 32).mapToObj(i -> "c" + i).toList()));
            assertThat(s.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
            open.add(s);
        }
        Status full = publishing(secret, String.join(",", IntStream.range(96, 101).mapToObj(i -> "c" + i).toList())).awaitEnd();
        assertThat(full.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(full.getDescription()).isEqualTo("client key 'big' has 100 connections (the limit is 100); 'big:c100' was not "
                + "created (delete unused ones with 'hoop admin delete connection')");
        // all or nothing: c96..c99 were not kept either
        assertThat(gw.get("/api/connections/big:c96", admin).status()).isEqualTo(404);
        assertThat(ok(gw.get("/api/clientkeys/big", admin), 200).json().get("connections").size()).isEqualTo(96);
        open.forEach(s -> s.toGateway().onCompleted());
    }

    @Test
    void anAgentCannotTakeOverAnAdminConnectionOrAnotherKeys() throws Exception {
        TestGateway.Answer edge = ok(gw.post("/api/agents", admin, Map.of("name", "edge")), 201);
        secrets.add(AgentDsn.parse(edge.json().get("token").asText()).secret());
        ok(gw.post("/api/connections", admin, Map.of("name", "own:billing", "type", "command-line", "command", List.of("psql"),
                "agent_name", "edge")), 201);
        String own = newKey("own");
        Status refused = publishing(own, "app,billing").awaitEnd();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).isEqualTo("connection own:billing exists already and was not published with client key "
                + "'own'; nothing was published (choose other names in HOOP_CONNECTION)");
        JsonNode billing = connection("own:billing");
        assertThat(billing.get("agent_name").asText()).isEqualTo("edge");
        assertThat(billing.get("command").toString()).isEqualTo("[\"psql\"]");
        assertThat(gw.get("/api/connections/own:app", admin).status()).isEqualTo(404);

        // another key publishes under its own name only, and never moves this key's connections
        String other = newKey("other");
        GrpcProbe.Stream ownAgent = publishing(own, "app");
        assertThat(ownAgent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        GrpcProbe.Stream otherAgent = publishing(other, "app");
        assertThat(otherAgent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        assertThat(connection("own:app").get("agent_name").asText()).isEqualTo("own/app");
        assertThat(connection("other:app").get("agent_name").asText()).isEqualTo("other/app");
        // an agent key's agent does not publish: its items are ignored
        GrpcProbe.Stream edgeAgent = GrpcProbe.connect(channel, withItems(AgentDsn.parse(edge.json().get("token").asText()).secret(), "sneaky"));
        assertThat(edgeAgent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        assertThat(gw.get("/api/connections/edge:sneaky", admin).status()).isEqualTo(404);
        assertThat(names(gw.get("/api/connections", admin))).noneMatch(n -> n.endsWith("sneaky"));
        for (GrpcProbe.Stream s : List.of(ownAgent, otherAgent, edgeAgent)) {
            s.toGateway().onCompleted();
        }
    }

    @Test
    void disablingCutsTheAgentOffAndKeepsItOffUntilEnabled() throws Exception {
        String secret = newKey("off");
        GrpcProbe.Stream agent = publishing(secret, "web");
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        // a session on it is running
        GrpcProbe.Stream exec = GrpcProbe.connect(channel, client(user, "exec", "off:web"));
        exec.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), "sleep 60".getBytes()));
        awaitType(agent, AgentPacket.SESSION_OPEN);

        TestGateway.Answer disabled = ok(gw.call("PUT", "/api/clientkeys/off", admin, Map.of("active", false)), 200);
        assertThat(disabled.json().get("active").asBoolean()).isFalse();
        assertThat(disabled.raw()).doesNotContain("dsn");
        Status cut = agent.awaitEnd();
        assertThat(cut.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(cut.getDescription()).isEqualTo("client key 'off' was disabled");
        assertThat(awaitType(exec, dev.hoop.common.wire.ClientPacket.SESSION_CLOSE).getPayload().toStringUtf8())
                .isEqualTo("client key 'off' was disabled");

        Status again = publishing(secret, "web").awaitEnd();
        assertThat(again.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(again.getDescription()).isEqualTo("client key 'off' is disabled (an admin can enable it: PUT /api/clientkeys/off {\"active\": true})");
        // its connections stay listed (offline); enabling lets the agent back in
        assertThat(connection("off:web")).isNotNull();
        ok(gw.call("PUT", "/api/clientkeys/off", admin, Map.of("active", true)), 200);
        GrpcProbe.Stream back = publishing(secret, "web");
        assertThat(back.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        back.toGateway().onCompleted();
    }

    @Test
    void rotatingIssuesANewKeyAndTheOldOneStopsAtOnce() throws Exception {
        String old = newKey("rot");
        GrpcProbe.Stream agent = publishing(old, "web");
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        TestGateway.Answer rotated = ok(gw.call("PUT", "/api/clientkeys/rot", admin, Map.of("rotate", true)), 200);
        String fresh = AgentDsn.parse(rotated.json().get("dsn").asText()).secret();
        secrets.add(fresh);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(agent.awaitEnd().getDescription()).isEqualTo("client key 'rot' was replaced by a new key");
        assertThat(publishing(old, "web").awaitEnd().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        GrpcProbe.Stream back = publishing(fresh, "web");
        assertThat(back.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        back.toGateway().onCompleted();

        // PUT on a name that does not exist creates it (hoop admin create clientkeys NAME --overwrite)
        TestGateway.Answer created = ok(gw.call("PUT", "/api/clientkeys/fresh", admin, Map.of("rotate", true)), 201);
        secrets.add(AgentDsn.parse(created.json().get("dsn").asText()).secret());
    }

    @Test
    void deletingRemovesItsConnectionsAndCutsTheAgentOff() throws Exception {
        String secret = newKey("gone");
        GrpcProbe.Stream agent = publishing(secret, "a,b");
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        assertThat(names(gw.get("/api/connections", admin))).contains("gone:a", "gone:b");
        ok(gw.call("DELETE", "/api/clientkeys/gone", admin, null), 204);
        assertThat(agent.awaitEnd().getDescription()).isEqualTo("client key 'gone' was deleted");
        assertThat(names(gw.get("/api/connections", admin))).noneMatch(n -> n.startsWith("gone:"));
        assertThat(names(gw.get("/api/agents", admin))).noneMatch(n -> n.startsWith("gone/"));
        Status again = publishing(secret, "a,b").awaitEnd();
        assertThat(again.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(gw.call("DELETE", "/api/clientkeys/gone", admin, null).status()).isEqualTo(404);
    }

    @Test
    void aClientKeyIsNoUserCredential() throws Exception {
        String secret = newKey("nouser");
        assertThat(gw.get("/api/connections", secret).status()).isEqualTo(401);
        assertThat(gw.get("/api/clientkeys", secret).status()).isEqualTo(401);
        Status asClient = GrpcProbe.connect(channel, client(secret, "exec", "nouser:web")).awaitEnd();
        assertThat(asClient.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        // nor an admin's: it cannot change its own key
        assertThat(gw.call("PUT", "/api/clientkeys/nouser", secret, Map.of("active", true)).status()).isEqualTo(401);
    }

    private String newKey(String name) {
        String secret = AgentDsn.parse(ok(gw.post("/api/clientkeys", admin, Map.of("name", name)), 201).json().get("dsn").asText()).secret();
        secrets.add(secret);
        return secret;
    }

    private GrpcProbe.Stream publishing(String secret, String items) {
        return GrpcProbe.connect(channel, withItems(secret, items));
    }

    private static Map<String, String> withItems(String secret, String items) {
        Map<String, String> md = new HashMap<>(GrpcProbe.agentMetadata(secret));
        if (!items.isEmpty()) {
            md.put(Wire.CONNECTION_ITEMS.name(), items);
        }
        return md;
    }

    private JsonNode connection(String name) {
        return ok(gw.get("/api/connections/" + name, admin), 200).json();
    }

    private void awaitOffline(String agentName) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode all = ok(gw.get("/api/agents", admin), 200).json();
            if (StreamSupport.stream(all.spliterator(), false)
                    .anyMatch(a -> a.get("name").asText().equals(agentName) && a.get("status").asText().equals("DISCONNECTED"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("agent " + agentName + " still connected after 5 s");
    }

    private static Packet awaitType(GrpcProbe.Stream s, String type) throws InterruptedException {
        while (true) {
            Packet p = s.next();
            if (p.getType().equals(type)) {
                return p;
            }
            assertThat(p.getType()).isIn(AgentPacket.SESSION_CLOSE, GatewayPacket.KEEP_ALIVE, AgentPacket.GATEWAY_CONNECT_OK,
                    dev.hoop.common.wire.ClientPacket.SESSION_OPEN_OK);
        }
    }

    private Connection db() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + fixture.postgres().database(), "postgres", null);
    }

    private static Map<String, String> client(String token, String verb, String connection) {
        return Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT, Wire.AUTHORIZATION.name(), "Bearer " + token,
                Wire.CONNECTION_NAME.name(), connection, Wire.VERB.name(), verb);
    }

    private static List<String> names(TestGateway.Answer a) {
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        return StreamSupport.stream(a.json().spliterator(), false).map(n -> n.get("name").asText()).sorted().toList();
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
