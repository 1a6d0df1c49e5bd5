package dev.hoop.gateway.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.TestPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with {@code AUTH_METHOD=oidc} against a real provider ({@link TestIdp}): the browser
 * goes {@code /api/login} → provider → {@code /api/callback} → the CLI's redirect with the token;
 * the token works on the API; expired, wrong-audience and foreign-key tokens are 401; groups from
 * the claim are synced at every login and change which connections a user sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcGatewayTest {
    static final String CLI = "http://127.0.0.1:3587/callback";
    // The provider sends the browser to API_URL; the test's browser takes the path to the real (ephemeral) port.
    static final String API_URL = "http://127.0.0.1:9";
    final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    TestIdp idp;
    TestPostgres pg;
    TestGateway gw;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        idp = new TestIdp();
        pg = TestPostgres.create();
        gw = TestGateway.start(TestGateway.env(dataDir, oidcEnv(idp.issuer().toString(), pg.uri())));
    }

    static Map<String, String> oidcEnv(String issuer, String pgUri) {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_DB_URI", pgUri);
        env.put("API_URL", API_URL);
        env.put("IDP_ISSUER", issuer);
        env.put("IDP_CLIENT_ID", TestIdp.CLIENT_ID);
        env.put("IDP_CLIENT_SECRET", TestIdp.CLIENT_SECRET);
        return env;
    }

    @AfterAll
    void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
            idp.close();
        }
    }

    /** A full browser login for {@code subject} with these claims; answers the token the CLI receives. */
    String login(TestGateway gateway, String subject, Map<String, Object> claims) throws Exception {
        idp.nextLogin(subject, List.of(TestIdp.CLIENT_ID), claims, 300);
        TestGateway.Answer start = gateway.get("/api/login?redirect=" + URLEncoder.encode(CLI, StandardCharsets.UTF_8), null);
        assertThat(start.status()).as(start.raw()).isEqualTo(200);
        HttpResponse<String> atProvider = browser.send(HttpRequest.newBuilder(URI.create(start.json().get("login_url").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(atProvider.statusCode()).isEqualTo(302);
        String toCallback = atProvider.headers().firstValue("Location").orElseThrow();
        assertThat(toCallback).startsWith(API_URL + "/api/callback?");
        URI atGateway = URI.create("http://127.0.0.1:" + gateway.server.apiPort() + toCallback.substring(API_URL.length()));
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(atGateway).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).isEqualTo(302);
        String toCli = back.headers().firstValue("Location").orElseThrow();
        assertThat(toCli).as(toCli).startsWith(CLI + "?token=");
        // the state is single-use: the same callback again ends on the web app with the reason
        HttpResponse<String> replay = browser.send(HttpRequest.newBuilder(atGateway).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.headers().firstValue("Location").orElseThrow())
                .isEqualTo(API_URL + "/callback?error=unknown+or+already+used+login%3B+start+the+login+again");
        return java.net.URLDecoder.decode(toCli.substring((CLI + "?token=").length()), StandardCharsets.UTF_8);
    }

    @Test
    void codeFlowCreatesTheUserAndGroupSyncChangesAccessOnNextLogin() throws Exception {
        // members of ADMIN_USERNAME's group are admins (the first user of an org is shown by userinfoModeAcceptsOpaqueTokens)
        String alice = login(gw, "alice-sub", Map.of("email", "alice@example.com", "name", "Alice", "groups", List.of("dba", "admin")));
        JsonNode me = gw.get("/api/userinfo", alice).json();
        assertThat(me.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(me.get("is_admin").asBoolean()).isTrue();
        assertThat(me.get("groups").toString()).isEqualTo("[\"admin\",\"dba\"]");

        assertThat(gw.post("/api/agents", alice, Map.of("name", "oidc-agent")).status()).isEqualTo(201);
        assertThat(gw.post("/api/connections", alice, Map.of("name", "pay-db", "type", "postgres", "agent_name", "oidc-agent")).status())
                .isEqualTo(201);
        TestGateway.Answer plugin = gw.post("/api/plugins", alice, Map.of("name", "access_control",
                "connections", List.of(Map.of("name", "pay-db", "config", List.of("dba")))));
        assertThat(plugin.status()).as(plugin.raw()).isEqualTo(201);

        String bob = login(gw, "bob-sub", Map.of("email", "bob@example.com", "groups", List.of("dba")));
        assertThat(gw.get("/api/userinfo", bob).json().get("is_admin").asBoolean()).isFalse();
        assertThat(names(gw.get("/api/connections", bob).json())).containsExactly("pay-db");

        String bobAgain = login(gw, "bob-sub", Map.of("email", "bob@example.com", "groups", List.of("ops")));
        assertThat(gw.get("/api/userinfo", bobAgain).json().get("groups").toString()).isEqualTo("[\"ops\"]");
        assertThat(names(gw.get("/api/connections", bobAgain).json())).isEmpty();
        assertThat(gw.get("/api/connections/pay-db", bobAgain).status()).isEqualTo(404);

        // without the claim, the groups stay as they are
        String bobNoClaim = login(gw, "bob-sub", Map.of("email", "bob@example.com"));
        assertThat(gw.get("/api/userinfo", bobNoClaim).json().get("groups").toString()).isEqualTo("[\"ops\"]");
    }

    @Test
    void expiredWrongAudienceAndForeignKeyTokensAre401() throws Exception {
        TestGateway.Answer expired = gw.get("/api/userinfo", idp.token("carol", TestIdp.CLIENT_ID, Map.of(), -300));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.message()).startsWith("the access token expired at ");

        TestGateway.Answer audience = gw.get("/api/userinfo", idp.token("carol", "other-api", Map.of(), 300));
        assertThat(audience.status()).isEqualTo(401);
        assertThat(audience.message()).isEqualTo("the access token is for audience [other-api] (expected: hoop-gateway)");

        String kid = SignedJWT.parse(idp.token("carol", TestIdp.CLIENT_ID, Map.of(), 300)).getHeader().getKeyID();
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(kid).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), new JWTClaimsSet.Builder()
                .issuer(idp.issuer().toString()).subject("carol").audience(TestIdp.CLIENT_ID)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).issueTime(new Date()).build());
        forged.sign(new RSASSASigner(impostor));
        TestGateway.Answer foreign = gw.get("/api/userinfo", forged.serialize());
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(foreign.message()).isEqualTo("the access token has an invalid signature (kid '" + kid + "')");

        assertThat(gw.get("/api/userinfo", null).status()).isEqualTo(401);
        // local sign-in does not exist on an OIDC gateway
        assertThat(gw.post("/api/localauth/login", null, Map.of("email", "a@example.com", "password", "whatever1")).status())
                .isEqualTo(404);
    }

    @Test
    void aUserCreatedByAnAdminIsClaimedByItsFirstLoginAndGrpcAcceptsOidcTokens() throws Exception {
        String boss = login(gw, "boss-sub", Map.of("email", "boss@example.com", "groups", List.of("admin")));
        TestGateway.Answer pre = gw.post("/api/users", boss, Map.of("email", "erin@example.com", "name", "Erin", "groups", List.of("dba")));
        assertThat(pre.status()).as(pre.raw()).isEqualTo(201);
        String erin = login(gw, "erin-sub", Map.of("email", "Erin@example.com"));
        JsonNode me = gw.get("/api/userinfo", erin).json();
        assertThat(me.get("id").asText()).isEqualTo(pre.json().get("id").asText());
        assertThat(me.get("groups").toString()).isEqualTo("[\"dba\"]");

        var channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        try {
            io.grpc.Status ok = dev.hoop.gateway.GrpcProbe.connect(channel, Map.of("origin", "client", "authorization", "Bearer " + erin,
                    "connection-name", "nope", "verb", "exec")).awaitEnd();
            assertThat(ok.getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
            io.grpc.Status expired = dev.hoop.gateway.GrpcProbe.connect(channel, Map.of("origin", "client", "authorization",
                    "Bearer " + idp.token("erin-sub", TestIdp.CLIENT_ID, Map.of(), -300), "connection-name", "nope", "verb", "exec")).awaitEnd();
            assertThat(expired.getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            assertThat(expired.getDescription()).startsWith("the access token expired at ");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void anUnreachableProviderIs503NotAnAcceptance(@TempDir Path dataDir) {
        TestIdp gone = new TestIdp();
        try (TestPostgres db = TestPostgres.create();
             TestGateway g = TestGateway.start(TestGateway.env(dataDir, oidcEnv(gone.issuer() + "?_userinfo=1", db.uri())))) {
            gone.close();
            TestGateway.Answer a = g.get("/api/userinfo", "opaque-token-while-down");
            assertThat(a.status()).as(a.raw()).isEqualTo(503);
        }
    }

    @Test
    void providerRefusalEndsOnTheRedirectWithTheReason() throws Exception {
        TestGateway.Answer start = gw.get("/api/login?redirect=" + URLEncoder.encode(CLI, StandardCharsets.UTF_8), null);
        String loginUrl = start.json().get("login_url").asText();
        String state = URI.create(loginUrl).getQuery().replaceAll(".*(?:^|&)state=([^&]*).*", "$1");
        HttpResponse<String> back = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.server.apiPort()
                + "/api/callback?error=access_denied&state=" + state)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location").orElseThrow()).startsWith(CLI + "?error=").contains("access_denied");

        TestGateway.Answer evil = gw.get("/api/login?redirect=https://evil.example.com/", null);
        assertThat(evil.status()).isEqualTo(400);
        assertThat(evil.message()).startsWith("redirect 'https://evil.example.com/' is not allowed");
    }

    @Test
    void userinfoModeAcceptsOpaqueTokens(@TempDir Path dataDir) {
        try (TestPostgres db = TestPostgres.create();
             TestGateway g = TestGateway.start(TestGateway.env(dataDir, oidcEnv(idp.issuer() + "?_userinfo=1", db.uri())))) {
            idp.opaqueTokens.issue("opaque-dave-token", Map.of("sub", "dave", "email", "dave@example.com", "groups", List.of("sre")));
            TestGateway.Answer me = g.get("/api/userinfo", "opaque-dave-token");
            assertThat(me.status()).as(me.raw()).isEqualTo(200);
            assertThat(me.json().get("email").asText()).isEqualTo("dave@example.com");
            assertThat(me.json().get("groups").toString()).isEqualTo("[\"admin\",\"sre\"]");
            TestGateway.Answer unknown = g.get("/api/userinfo", "opaque-unknown-token");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.message()).isEqualTo("the identity provider's userinfo endpoint rejected the token (HTTP 401)");
        }
    }

    private static List<String> names(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(n -> n.get("name").asText()).toList();
    }
}
