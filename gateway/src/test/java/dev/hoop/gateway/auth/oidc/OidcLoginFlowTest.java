package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import dev.hoop.gateway.store.LoginState;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The authorization code flow end to end against a real provider, the browser played by an HTTP client. */
class OidcLoginFlowTest {
    private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static TestIdp idp;
    private static OidcProvider provider;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp();
        provider = OidcProvider.discover(idp.settings(false, null));
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void loginUrlCarriesPkceStateNonceAndScopes() throws Exception {
        Instant before = Instant.now();
        LoginRequest login = provider.loginRequest("http://127.0.0.1:3587/callback");
        LoginState saved = login.state();
        Map<String, String> q = query(login.loginUrl());

        assertThat(login.loginUrl().toString()).startsWith(idp.issuer() + "/authorize?");
        assertThat(q).containsEntry("response_type", "code")
                .containsEntry("client_id", TestIdp.CLIENT_ID)
                .containsEntry("redirect_uri", "https://hoop.example.com/api/callback")
                .containsEntry("scope", "openid profile email groups")
                .containsEntry("state", saved.state())
                .containsEntry("nonce", saved.nonce())
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(saved.codeVerifier())).getValue())
                .doesNotContainKey("audience");
        assertThat(q.values()).doesNotContain(saved.codeVerifier());
        assertThat(saved.redirect()).isEqualTo("http://127.0.0.1:3587/callback");
        assertThat(saved.expiresAt()).isCloseTo(before.plus(Duration.ofMinutes(10)), within(Duration.ofSeconds(5)));
        assertThat(saved.toString()).doesNotContain(saved.nonce()).doesNotContain(saved.codeVerifier());

        LoginRequest other = provider.loginRequest(null);
        assertThat(other.state().state()).isNotEqualTo(saved.state());
        assertThat(other.state().nonce()).isNotEqualTo(saved.nonce());
        assertThat(other.state().codeVerifier()).isNotEqualTo(saved.codeVerifier());
        assertThat(other.state().redirect()).isEqualTo("https://hoop.example.com/callback");
    }

    @Test
    void loginUrlCarriesAudienceWhenConfigured() throws Exception {
        OidcProvider withAudience = OidcProvider.discover(idp.settings(false, "https://api.hoop"));
        assertThat(query(withAudience.loginRequest(null).loginUrl())).containsEntry("audience", "https://api.hoop");
    }

    @Test
    void fullCodeFlowYieldsTheIdentityAndAUsableAccessToken() throws Exception {
        LoginRequest login = provider.loginRequest("https://hoop.example.com/callback");
        idp.nextLogin("alice-sub", List.of(TestIdp.CLIENT_ID), Map.of("email", "alice@example.com", "name", "Alice",
                "groups", List.of("admin", "dba")), 300);
        Map<String, String> back = authorize(login.loginUrl());
        assertThat(back.get("state")).isEqualTo(login.state().state());

        OidcIdentity id = provider.callback(back.get("code"), back.get("state"), login.state());

        assertThat(id).extracting(OidcIdentity::subject, OidcIdentity::email, OidcIdentity::name, OidcIdentity::groups,
                OidcIdentity::groupsClaimPresent).containsExactly("alice-sub", "alice@example.com", "Alice", List.of("admin", "dba"), true);
        assertThat(LoginRedirects.withToken(login.state(), id.accessToken()))
                .hasToString("https://hoop.example.com/callback?token=" + id.accessToken());
        OidcIdentity again = provider.accessTokenVerifier().verify(id.accessToken());
        assertThat(again.subject()).isEqualTo("alice-sub");
        assertThat(again.groups()).containsExactly("admin", "dba");
    }

    @Test
    void groupsFollowTheClaimAtEveryLoginInBothShapes() throws Exception {
        assertThat(login("dana", Map.of("groups", List.of("dev"))).groups()).containsExactly("dev");
        OidcIdentity next = login("dana", Map.of("groups", "dev, sre ops"));
        assertThat(next.groups()).containsExactly("dev", "sre", "ops");
        OidcIdentity without = login("dana", Map.of("email", "dana@example.com"));
        assertThat(without.groups()).isEmpty();
        assertThat(without.groupsClaimPresent()).isFalse();
    }

    @Test
    void codeExchangeChecksThePkceVerifier() throws Exception {
        LoginRequest login = provider.loginRequest(null);
        Map<String, String> back = authorize(login.loginUrl());
        LoginState s = login.state();
        LoginState wrongVerifier = new LoginState(s.state(), s.nonce(), new CodeVerifier().getValue(), s.redirect(), s.expiresAt());
        assertThatThrownBy(() -> provider.callback(back.get("code"), back.get("state"), wrongVerifier))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the identity provider refused the authorization code: invalid_grant "
                        + "(invalid_pkce: code_verifier does not compute to code_challenge from request)");
    }

    @Test
    void callbackChecksTheState() throws Exception {
        LoginRequest login = provider.loginRequest(null);
        Map<String, String> back = authorize(login.loginUrl());
        assertThatThrownBy(() -> provider.callback(back.get("code"), "forged-state", login.state()))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the login state does not match; start the login again");
        assertThatThrownBy(() -> provider.callback(back.get("code"), null, login.state()))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the login state does not match; start the login again");
    }

    @Test
    void callbackRejectsAnExpiredLogin() throws Exception {
        LoginRequest login = provider.loginRequest(null);
        Map<String, String> back = authorize(login.loginUrl());
        LoginState s = login.state();
        LoginState expired = new LoginState(s.state(), s.nonce(), s.codeVerifier(), s.redirect(), Instant.now().minusSeconds(1));
        assertThatThrownBy(() -> provider.callback(back.get("code"), back.get("state"), expired))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the login expired (it must complete within 10 minutes); start the login again");
    }

    @Test
    void callbackChecksTheNonceOfTheIdToken() throws Exception {
        LoginRequest login = provider.loginRequest(null);
        Map<String, String> back = authorize(login.loginUrl());
        LoginState s = login.state();
        LoginState otherNonce = new LoginState(s.state(), "another-nonce", s.codeVerifier(), s.redirect(), s.expiresAt());
        assertThatThrownBy(() -> provider.callback(back.get("code"), back.get("state"), otherNonce))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the ID token's nonce does not match this login; start the login again");
    }

    @Test
    void callbackWithoutCode() throws Exception {
        LoginState s = provider.loginRequest(null).state();
        assertThatThrownBy(() -> provider.callback("", s.state(), s))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the identity provider sent no authorization code");
    }

    @Test
    void loginFailsWhenTheAccessTokenWouldBeRejectedLater() throws Exception {
        LoginRequest login = provider.loginRequest(null);
        idp.nextLogin("erin", List.of("some-other-api"), Map.of(), 300);
        Map<String, String> back = authorize(login.loginUrl());
        assertThatThrownBy(() -> provider.callback(back.get("code"), back.get("state"), login.state()))
                .isInstanceOf(OidcLoginException.class)
                .hasMessage("the identity provider issued an access token this gateway does not accept: the access token is for "
                        + "audience [some-other-api] (expected: hoop-gateway) (set IDP_AUDIENCE to the audience of the access tokens, "
                        + "or add _userinfo=1 to IDP_ISSUER for opaque tokens)");
    }

    @Test
    void userinfoModeLoginTakesAnyAccessTokenTheProviderVouchesFor() throws Exception {
        OidcProvider userinfo = OidcProvider.discover(idp.settings(true, null));
        LoginRequest login = userinfo.loginRequest(null);
        idp.nextLogin("frank", List.of("some-other-api"), Map.of("email", "frank@example.com", "groups", List.of("ops")), 300);
        Map<String, String> back = authorize(login.loginUrl());
        OidcIdentity id = userinfo.callback(back.get("code"), back.get("state"), login.state());
        assertThat(id.subject()).isEqualTo("frank");
        assertThat(id.email()).isEqualTo("frank@example.com");
        assertThat(id.groups()).containsExactly("ops");
    }

    @Test
    void discoveryFailureNamesTheVariableAndUrl() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        URI issuer = URI.create("http://127.0.0.1:" + deadPort + "/hoop");
        OidcSettings nowhere = new OidcSettings(issuer, false, TestIdp.CLIENT_ID, TestIdp.CLIENT_SECRET,
                null, OidcSettings.BASE_SCOPES, URI.create("https://hoop.example.com"), "groups");
        assertThatThrownBy(() -> OidcProvider.discover(nowhere))
                .isInstanceOf(OidcUnavailableException.class)
                .hasMessageStartingWith("IDP_ISSUER: discovery at " + issuer + "/.well-known/openid-configuration failed: ");
    }

    @Test
    void failedLoginsGoBackWithTheReason() throws Exception {
        LoginState s = provider.loginRequest("http://127.0.0.1:3587/callback").state();
        assertThat(LoginRedirects.withError(s, "the login expired")).hasToString("http://127.0.0.1:3587/callback?error=the+login+expired");
        assertThat(provider.defaultRedirectWithError("unknown login state"))
                .hasToString("https://hoop.example.com/callback?error=unknown+login+state");
    }

    @Test
    void providerErrorOnTheCallbackIsReadable() {
        assertThat(OidcLoginException.providerError("access_denied", "The user refused")).hasMessage(
                "the identity provider refused the login: access_denied (The user refused)");
        assertThat(OidcLoginException.providerError(null, null)).hasMessage("the identity provider refused the login: unknown error");
    }

    private static OidcIdentity login(String subject, Map<String, Object> claims) throws Exception {
        LoginRequest login = provider.loginRequest(null);
        idp.nextLogin(subject, List.of(TestIdp.CLIENT_ID), claims, 300);
        Map<String, String> back = authorize(login.loginUrl());
        return provider.callback(back.get("code"), back.get("state"), login.state());
    }

    /** Follows the authorization URL as a browser would; the provider approves and redirects to the callback. */
    static Map<String, String> authorize(URI loginUrl) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(loginUrl).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith("https://hoop.example.com/api/callback?");
        return query(location);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
