package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.auth.Authenticator;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every REST route of the gateway's own table and the gRPC {@code Connect} verbs, called by six
 * identities: no token, a bad token, a disabled user, a non-admin, an admin, and the admin of
 * another org (multi-tenant gateway). The routes come from {@code GatewayServer.routes()}, so a
 * route added later is in the matrix without anyone editing this test; a route whose path
 * parameter has no fixture here fails the test until one is added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
    enum Who { NONE, BAD, DISABLED, NON_ADMIN, ADMIN, OTHER_ORG }

    static final String MEMBER = "dev@acme.example";
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("ORG_MULTI_TENANT", "true");
    TestGateway gw;
    ManagedChannel channel;
    String admin;
    String member;
    String disabled;
    String otherAdmin;
    String sessionId;

    @BeforeAll
    void start() throws Exception {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        admin = register("boss@acme.example", "acme");
        otherAdmin = register("boss@globex.example", "globex");
        ok(gw.post("/api/users", admin, Map.of("email", MEMBER, "password", "dev-password", "groups", List.of("eng"))), 201);
        ok(gw.post("/api/users", admin, Map.of("email", "gone@acme.example", "password", "gone-password")), 201);
        member = gw.login(MEMBER, "dev-password");
        disabled = gw.login("gone@acme.example", "gone-password");
        ok(gw.call("PUT", "/api/users/gone@acme.example", admin, Map.of("status", "disabled")), 200);

        TestGateway.Answer agent = ok(gw.post("/api/agents", admin, Map.of("name", "a-agent")), 201);
        ok(gw.post("/api/connections", admin, Map.of("name", "a-db", "type", "command-line", "command", List.of("bash"),
                "agent_name", "a-agent")), 201);
        ok(gw.post("/api/apikeys", admin, Map.of("name", "a-key", "groups", List.of("eng"))), 201);
        ok(gw.post("/api/clientkeys", admin, Map.of("name", "a-ckey")), 201);
        ok(gw.post("/api/plugins", admin, Map.of("name", "audit", "connections", List.of())), 201);
        ok(gw.post("/api/webhooks", admin, Map.of("name", "a-hook", "url", "http://127.0.0.1:9/hook")), 201);

        // one real session of org A, so that /api/sessions/{id} has a target
        GrpcProbe.Stream agentStream = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(AgentDsn.parse(agent.json().get("token").asText()).secret()));
        assertThat(agentStream.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        GrpcProbe.Stream client = GrpcProbe.connect(channel, clientMetadata(admin, "exec"));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
        String first = agentStream.next().getType();
        // the gateway's 10 s keep-alive may come first on a loaded machine
        assertThat(first.equals(GatewayPacket.KEEP_ALIVE) ? agentStream.next().getType() : first).isEqualTo(AgentPacket.SESSION_OPEN);
        client.toGateway().onCompleted();
        agentStream.toGateway().onCompleted();
        agentStream.awaitEnd();
        sessionId = ok(gw.get("/api/sessions", admin), 200).json().path("data").path(0).path("id").asText();
        assertThat(sessionId).hasSize(36);
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    Stream<Arguments> restMatrix() {
        List<Arguments> all = new ArrayList<>();
        for (Route r : gw.server.routes()) {
            for (Who who : Who.values()) {
                all.add(Arguments.of(r.method().text(), r.path(), r.access(), who));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} ({2}) as {3}")
    @MethodSource("restMatrix")
    void everyRouteAnswersEveryIdentityAsItsAccessSays(String method, String pattern, Access access, Who who) {
        boolean mutating = !method.equals("GET");
        String path = fill(pattern, who == Who.ADMIN && mutating);
        TestGateway.Answer a = gw.call(method, path, token(who), method.equals("POST") || method.equals("PUT") ? "{}" : null);
        assertThat(a.status()).as("%s %s as %s: %s", method, path, who, a.raw()).isLessThan(500);
        boolean signedOut = who == Who.NONE || who == Who.BAD || who == Who.DISABLED;
        if (access == Access.PUBLIC) {
            assertThat(a.status()).as(a.raw()).isNotIn(401, 403);
        } else if (signedOut) {
            assertThat(a.status()).as(a.raw()).isEqualTo(401);
            assertThat(a.message()).isEqualTo(who == Who.DISABLED ? Authenticator.DISABLED : ApiRouting.UNAUTHORIZED);
        } else if (who == Who.NON_ADMIN && access == Access.ADMIN) {
            assertThat(a.status()).as(a.raw()).isEqualTo(403);
        } else if (who == Who.OTHER_ORG && !pattern.equals(path)) {
            // exactly the answer for a name that exists nowhere
            TestGateway.Answer absent = gw.call(method, fill(pattern, true), token(who), method.equals("POST") || method.equals("PUT") ? "{}" : null);
            assertThat(a.status()).as("another org's object must look absent: " + a.raw()).isEqualTo(404);
            assertThat(absent.status()).isEqualTo(404);
            assertThat(a.message().replace(value(pattern), "X")).isEqualTo(absent.message().replace(harmless(value(pattern)), "X"));
        } else {
            assertThat(a.status()).as(a.raw()).isNotIn(401, 403);
        }
        if (who == Who.OTHER_ORG && pattern.equals(path) && a.raw() != null) {
            assertThat(a.raw()).doesNotContain("a-db", "a-agent", "a-key", "a-ckey", MEMBER, sessionId);
        }
    }

    static Stream<Arguments> grpcMatrix() {
        List<Arguments> all = new ArrayList<>();
        for (String verb : List.of("connect", "exec")) {
            for (Who who : Who.values()) {
                all.add(Arguments.of(verb, who));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "Connect {0} as {1}")
    @MethodSource("grpcMatrix")
    void connectVerbsAnswerEveryIdentity(String verb, Who who) throws Exception {
        GrpcProbe.Stream s = GrpcProbe.connect(channel, clientMetadata(token(who), verb));
        switch (who) {
            case NONE, BAD, DISABLED -> {
                Status end = s.awaitEnd();
                assertThat(end.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(end.getDescription()).isEqualTo(who == Who.DISABLED ? Authenticator.DISABLED
                        : "missing or invalid token (expected: authorization: Bearer <token>; sign in with 'hoop login')");
            }
            case OTHER_ORG -> {
                Status end = s.awaitEnd();
                assertThat(end.getCode()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(end.getDescription()).isEqualTo("connection 'a-db' not found");
            }
            case NON_ADMIN, ADMIN -> {
                // reached the connection: its agent is offline now, which the broker says in-band
                s.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]));
                assertThat(s.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_AGENT_OFFLINE);
                assertThat(s.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
            }
        }
    }

    private String fill(String pattern, boolean harmless) {
        if (!pattern.contains("{")) {
            return pattern;
        }
        String value = value(pattern);
        // an admin's PUT/DELETE must not destroy the fixtures the other cases need: aim it at a missing object
        return pattern.replaceFirst("\\{[a-z_]+}", harmless ? harmless(value) : value);
    }

    private static String harmless(String value) {
        return "no-such-" + value.replace("@", "-");
    }

    private String value(String pattern) {
        String value;
        if (pattern.startsWith("/api/connections/")) {
            value = "a-db";
        } else if (pattern.startsWith("/api/agents/")) {
            value = "a-agent";
        } else if (pattern.startsWith("/api/apikeys/")) {
            value = "a-key";
        } else if (pattern.startsWith("/api/clientkeys/")) {
            value = "a-ckey";
        } else if (pattern.startsWith("/api/plugins/")) {
            value = "audit";
        } else if (pattern.startsWith("/api/users/")) {
            value = MEMBER;
        } else if (pattern.startsWith("/api/sessions/")) {
            value = sessionId;
        } else if (pattern.startsWith("/api/guardrails/")) {
            value = "a-db";
        } else if (pattern.startsWith("/api/webhooks/")) {
            value = "a-hook";
        } else if (pattern.startsWith("/api/reviews/")) {
            value = "00000000-0000-0000-0000-00000000000e"; // no such review: reaching the handler is what counts
        } else {
            throw new AssertionError("route " + pattern + " has a path parameter this matrix has no fixture for: add one to value()");
        }
        return value;
    }

    private String token(Who who) {
        return switch (who) {
            case NONE -> null;
            case BAD -> "not-a-token";
            case DISABLED -> disabled;
            case NON_ADMIN -> member;
            case ADMIN -> admin;
            case OTHER_ORG -> otherAdmin;
        };
    }

    static Map<String, String> clientMetadata(String token, String verb) {
        Map<String, String> md = new java.util.HashMap<>(Map.of(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT,
                Wire.CONNECTION_NAME.name(), "a-db", Wire.VERB.name(), verb));
        if (token != null) {
            md.put(Wire.AUTHORIZATION.name(), "Bearer " + token);
        }
        return md;
    }

    private String register(String email, String org) {
        TestGateway.Answer a = gw.post("/api/localauth/register", null, Map.of("email", email, "password", "boss-password", "org", org));
        return ok(a, 201).json().get("token").asText();
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
