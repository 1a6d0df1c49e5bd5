package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.store.LoginState;
import dev.hoop.gateway.config.OidcSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package wired into HTTP routes the way the gateway is meant to ({@code GET /api/login}, {@code GET /api/callback},
 * a bearer-protected route), on a real server, with a real provider and a browser that follows every hop:
 * {@code /api/login} → provider's authorize → {@code /api/callback} → the redirect with {@code ?token=}. The
 * {@code login_states} table is a map here; everything else is the production API.
 */
class OidcRoutesWiringTest {
    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Map<String, LoginState> loginStates = new ConcurrentHashMap<>();
    private static TestIdp idp;
    private static WebServer gateway;
    private static volatile OidcProvider provider;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp();
        gateway = WebServer.builder().port(0).routing(r -> r
                .get("/api/login", OidcRoutesWiringTest::login)
                .get("/api/callback", OidcRoutesWiringTest::callback)
                .get("/api/userinfo", OidcRoutesWiringTest::userinfo)).build().start();
        URI apiUrl = URI.create("http://127.0.0.1:" + gateway.port());
        provider = OidcProvider.discover(new OidcSettings(idp.issuer(), false, TestIdp.CLIENT_ID, TestIdp.CLIENT_SECRET, null,
                OidcSettings.BASE_SCOPES, apiUrl, "groups"));
    }

    @AfterAll
    static void stop() {
        gateway.stop();
        idp.close();
    }

    static void login(ServerRequest req, ServerResponse res) throws Exception {
        try {
            LoginRequest login = provider.loginRequest(req.query().first("redirect").orElse(null));
            loginStates.put(login.state().state(), login.state());
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(json.writeValueAsBytes(Map.of("login_url", login.loginUrl().toString())));
        } catch (OidcLoginException e) {
            res.status(400).header(HeaderNames.CONTENT_TYPE, "application/json").send(json.writeValueAsBytes(Map.of("message", e.reason())));
        }
    }

    static void callback(ServerRequest req, ServerResponse res) {
        String state = req.query().first("state").orElse(null);
        LoginState saved = state == null ? null : loginStates.remove(state); // single use
        URI next;
        if (saved == null) {
            next = provider.defaultRedirectWithError("unknown or already used login; start the login again");
        } else if (req.query().first("error").isPresent()) {
            next = LoginRedirects.withError(saved, OidcLoginException.providerError(req.query().first("error").get(),
                    req.query().first("error_description").orElse(null)).reason());
        } else {
            try {
                OidcIdentity who = provider.callback(req.query().first("code").orElse(null), state, saved);
                // Here the gateway creates the user on first login and replaces its groups when who.groupsClaimPresent().
                next = LoginRedirects.withToken(saved, who.accessToken());
            } catch (OidcException e) {
                next = LoginRedirects.withError(saved, e.reason());
            }
        }
        res.status(302).header(HeaderNames.LOCATION, next.toString()).send();
    }

    static void userinfo(ServerRequest req, ServerResponse res) throws Exception {
        String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        try {
            OidcIdentity who = provider.accessTokenVerifier().verify(auth.startsWith("Bearer ") ? auth.substring(7) : "");
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(json.writeValueAsBytes(
                    Map.of("subject", who.subject(), "email", who.email(), "groups", who.groups())));
        } catch (InvalidTokenException e) {
            res.status(401).send(json.writeValueAsBytes(Map.of("message", e.reason())));
        } catch (OidcUnavailableException e) {
            res.status(503).send(json.writeValueAsBytes(Map.of("message", e.reason())));
        }
    }

    @Test
    void browserGoesThroughLoginProviderAndCallbackToTheCli() throws Exception {
        String cli = "http://127.0.0.1:3587/callback";
        idp.nextLogin("alice", List.of(TestIdp.CLIENT_ID), Map.of("email", "alice@example.com", "groups", List.of("dba")), 300);

        HttpResponse<String> login = get(api("/api/login?redirect=" + URLEncoder.encode(cli, StandardCharsets.UTF_8)), null);
        assertThat(login.statusCode()).isEqualTo(200);
        URI loginUrl = URI.create(json.readTree(login.body()).get("login_url").asText());

        HttpResponse<String> atProvider = get(loginUrl, null);
        assertThat(atProvider.statusCode()).isEqualTo(302);
        URI toCallback = URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        assertThat(toCallback.toString()).startsWith(api("/api/callback?").toString());

        HttpResponse<String> atCallback = get(toCallback, null);
        assertThat(atCallback.statusCode()).isEqualTo(302);
        String toCli = atCallback.headers().firstValue("Location").orElseThrow();
        assertThat(toCli).startsWith(cli + "?token=");
        String token = toCli.substring((cli + "?token=").length());

        HttpResponse<String> me = get(api("/api/userinfo"), token);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json.readTree(me.body()).get("subject").asText()).isEqualTo("alice");
        assertThat(json.readTree(me.body()).get("groups").get(0).asText()).isEqualTo("dba");

        // The state was consumed: replaying the callback fails with a readable reason.
        HttpResponse<String> replay = get(toCallback, null);
        assertThat(replay.headers().firstValue("Location").orElseThrow()).isEqualTo(
                api("/callback?error=unknown+or+already+used+login%3B+start+the+login+again").toString());
    }

    @Test
    void badRedirectAndBadTokensAreRefusedWithReasons() throws Exception {
        HttpResponse<String> login = get(api("/api/login?redirect=https://evil.example.com/"), null);
        assertThat(login.statusCode()).isEqualTo(400);
        assertThat(json.readTree(login.body()).get("message").asText()).startsWith("redirect 'https://evil.example.com/' is not allowed");

        HttpResponse<String> expired = get(api("/api/userinfo"), idp.token("alice", TestIdp.CLIENT_ID, Map.of(), -300));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(json.readTree(expired.body()).get("message").asText()).startsWith("the access token expired at ");
        assertThat(get(api("/api/userinfo"), null).statusCode()).isEqualTo(401);
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static HttpResponse<String> get(URI uri, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
