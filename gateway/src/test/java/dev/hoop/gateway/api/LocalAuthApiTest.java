package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local users against the real PostgreSQL: first admin, closed and opened sign-up, login, and the
 * route table's access rules (iterated, so a new route without auth fails here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAuthApiTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway();
    TestGateway gw;
    String adminToken;
    String userToken;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        TestGateway.Answer first = gw.post("/api/localauth/register", null,
                Map.of("email", "boss@example.com", "password", "boss-password", "name", "Boss"));
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(first.json().get("email").asText()).isEqualTo("boss@example.com");
        assertThat(first.json().get("name").asText()).isEqualTo("Boss");
        assertThat(first.json().get("groups").toString()).isEqualTo("[\"admin\"]");
        adminToken = first.json().get("token").asText();
        TestGateway.Answer created = gw.post("/api/users", adminToken,
                Map.of("email", "dev@example.com", "name", "Dev", "password", "dev-password", "groups", List.of("engineering")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        userToken = gw.login("dev@example.com", "dev-password");
    }


    @Test
    void laterSignUpIsClosedUntilAnAdminOpensIt() {
        Map<String, String> body = Map.of("email", "late@example.com", "password", "late-password");
        TestGateway.Answer closed = gw.post("/api/localauth/register", null, body);
        assertThat(closed.status()).isEqualTo(403);
        assertThat(closed.message()).isEqualTo("sign-up is closed: an admin must create your user (hoop admin create user)");

        TestGateway.Answer open = gw.call("PUT", "/api/serverconfig", adminToken, Map.of("signup_enabled", true));
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().get("signup_enabled").asBoolean()).isTrue();
        TestGateway.Answer late = gw.post("/api/localauth/register", null, body);
        assertThat(late.status()).as(late.raw()).isEqualTo(201);
        assertThat(late.json().get("groups").toString()).isEqualTo("[]");
        gw.call("PUT", "/api/serverconfig", adminToken, Map.of("signup_enabled", false));
    }

    @Test
    void loginAnswersATokenAndWrongPasswordIs401() {
        TestGateway.Answer ok = gw.post("/api/localauth/login", null, Map.of("email", "boss@example.com", "password", "boss-password"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("token").asText()).isNotBlank();
        assertThat(ok.json().get("expires_at").asText()).isNotBlank();

        TestGateway.Answer wrong = gw.post("/api/localauth/login", null, Map.of("email", "boss@example.com", "password", "nope-nope"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.message()).isEqualTo("invalid email or password");
        TestGateway.Answer unknown = gw.post("/api/localauth/login", null, Map.of("email", "ghost@example.com", "password", "boss-password"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.message()).isEqualTo("invalid email or password");
    }

    @Test
    void registrationInputIsValidated() {
        TestGateway.Answer shortPw = gw.post("/api/localauth/register", null, Map.of("email", "a@example.com", "password", "1234567"));
        assertThat(shortPw.status()).isEqualTo(400);
        assertThat(shortPw.message()).isEqualTo("password must have at least 8 characters");
        TestGateway.Answer badEmail = gw.post("/api/localauth/register", null, Map.of("email", "not-an-email", "password", "12345678"));
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.message()).isEqualTo("email 'not-an-email' is not valid (expected: an address like name@example.com)");
        TestGateway.Answer badJson = gw.post("/api/localauth/register", null, "{\"email\":");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.message()).startsWith("invalid JSON: ");
    }

    @Test
    void userinfoDescribesTheCaller() {
        TestGateway.Answer me = gw.get("/api/userinfo", userToken);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asText()).isEqualTo("dev@example.com");
        assertThat(me.json().get("name").asText()).isEqualTo("Dev");
        assertThat(me.json().get("groups").toString()).isEqualTo("[\"engineering\"]");
        assertThat(me.json().get("is_admin").asBoolean()).isFalse();
        assertThat(me.json().get("status").asText()).isEqualTo("active");
        assertThat(me.json().get("org_id").asText()).hasSize(36);
        assertThat(gw.get("/api/userinfo", adminToken).json().get("is_admin").asBoolean()).isTrue();
    }

    @Test
    void disabledUserLosesAccessAtOnce() {
        TestGateway.Answer created = gw.post("/api/users", adminToken,
                Map.of("email", "temp@example.com", "name", "Temp", "password", "temp-password"));
        assertThat(created.status()).isEqualTo(201);
        String token = gw.login("temp@example.com", "temp-password");
        assertThat(gw.get("/api/userinfo", token).status()).isEqualTo(200);
        TestGateway.Answer disabled = gw.call("PUT", "/api/users/temp@example.com", adminToken, Map.of("status", "disabled"));
        assertThat(disabled.json().get("status").asText()).isEqualTo("disabled");
        assertThat(gw.get("/api/userinfo", token).status()).isEqualTo(401);
        assertThat(gw.post("/api/localauth/login", null, Map.of("email", "temp@example.com", "password", "temp-password")).status())
                .isEqualTo(401);
    }

    Stream<Route> protectedRoutes() {
        return gw.server.routes().stream().filter(r -> r.access() != Access.PUBLIC);
    }

    Stream<Route> adminRoutes() {
        return gw.server.routes().stream().filter(r -> r.access() == Access.ADMIN);
    }

    static String concrete(Route r) {
        return r.path().replaceAll("\\{[^}]+}", "x");
    }

    @ParameterizedTest
    @MethodSource("protectedRoutes")
    void everyProtectedRouteAnswers401WithoutToken(Route r) {
        for (String token : new String[] {null, "not-a-token"}) {
            TestGateway.Answer a = gw.call(r.method().text(), concrete(r), token, "{}");
            assertThat(a.status()).as(r.method().text() + " " + r.path() + " with token " + token).isEqualTo(401);
            assertThat(a.message()).isEqualTo(ApiRouting.UNAUTHORIZED);
        }
    }

    @ParameterizedTest
    @MethodSource("adminRoutes")
    void everyAdminRouteAnswers403ToOthers(Route r) {
        TestGateway.Answer a = gw.call(r.method().text(), concrete(r), userToken, "{}");
        assertThat(a.status()).as(r.method().text() + " " + r.path()).isEqualTo(403);
        assertThat(a.message()).isEqualTo("admin only (your user is not in the 'admin' group)");
    }

    @Test
    void theRouteTableIsTheContract() {
        assertThat(gw.server.routes().stream().filter(r -> r.access() == Access.PUBLIC).map(r -> r.method().text() + " " + r.path()))
                .containsExactlyInAnyOrder("GET /api/healthz", "GET /api/publicserverinfo", "POST /api/localauth/register",
                        "POST /api/localauth/login", "POST /api/localauth/refresh",
                        // no user token: METRICS_TOKEN or this host only (MetricsApi)
                        "GET /metrics");
        assertThat(gw.server.routes().stream().filter(r -> r.access() == Access.USER).map(r -> r.method().text() + " " + r.path()))
                .containsExactlyInAnyOrder("GET /api/userinfo", "GET /api/connections", "GET /api/connections/{name}",
                        "GET /api/sessions", "POST /api/sessions", "GET /api/sessions/{id}", "GET /api/sessions/{id}/events",
                        "GET /api/sessions/{id}/download",
                        // reviews: requesters see theirs, approvers decide (ReviewsApi checks who may do what)
                        "GET /api/reviews", "GET /api/reviews/{id}", "PUT /api/reviews/{id}",
                        // verification: the public key, and a session's seal checked (its own access rules)
                        "GET /api/audit/publickey", "GET /api/sessions/{id}/verify");
    }

    @Test
    void unknownApiPathsAre404AndOtherPathsTheWebApp() {
        TestGateway.Answer a = gw.get("/api/nothing-here", adminToken);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.message()).isEqualTo("no such API route: GET /api/nothing-here");
        TestGateway.Answer page = gw.get("/some/client/route", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw()).contains("<script type=\"module\" src=\"/js/app.js\"></script>");
        TestGateway.Answer info = gw.get("/api/publicserverinfo", null);
        assertThat(info.json().get("auth_method").asText()).isEqualTo("local");
        assertThat(info.json().get("grpc_url").asText()).isEqualTo("grpc://127.0.0.1:" + gw.server.grpcPort());
        assertThat(info.json().get("api_url").asText()).isEqualTo("http://127.0.0.1:" + gw.server.apiPort());
    }
}
