package dev.hoop.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SSO in the browser: the real gateway with {@code AUTH_METHOD=oidc} against an OpenID Connect
 * provider run by the test ({@link MockOAuth2Server}, the one the gateway's own OIDC tests use; a
 * stand-in because no real provider runs here). The sign-in page offers SSO only, the provider's
 * answer signs the user in, and the token leaves the address bar before the app renders.
 */
class WebAppSsoTest extends BrowserTestBase {
    static final String ISSUER_ID = "hoop";
    static final String CLIENT_ID = "hoop-web";

    MockOAuth2Server idp;

    @Override
    void prepare() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        stack.startGateway(Map.of(
                "API_URL", stack.api,
                "IDP_ISSUER", idp.issuerUrl(ISSUER_ID).toString(),
                "IDP_CLIENT_ID", CLIENT_ID,
                "IDP_CLIENT_SECRET", "web-sso-client-secret"));
    }

    @AfterAll
    void stopIdentityProvider() throws Exception {
        if (idp != null) {
            idp.shutdown();
        }
    }

    @Test
    void ssoSignsInAndTheTokenLeavesTheAddressBar() throws Exception {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "sso-subject", "JWT", List.of(CLIENT_ID),
                Map.of("email", "sso@example.com", "name", "Sso User", "groups", List.of("admin")), 300));
        Page page = browser.desktop(stack.api);
        List<String> seen = new CopyOnWriteArrayList<>();
        page.onRequest(r -> seen.add(r.url() + " referer=" + r.headers().getOrDefault("referer", "")));
        page.navigate("/sessions");
        page.waitForURL("**/login?next=%2Fsessions");
        // SSO only: no password form on an OIDC gateway
        assertThat(page.getByLabel("Password")).hasCount(0);
        WebBrowser.assertAccessible(page, "SSO sign-in page");
        WebBrowser.screenshot(page, "sign-in-sso");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with SSO")).click();

        // provider → /api/callback → /login?next=…&token=… → the page asked first, without the token
        page.waitForURL("**/sessions");
        assertThat(page.getByText("sso@example.com")).isVisible();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin"))).isVisible();
        assertThat(page.url()).doesNotContain("token");
        assertThat(page.evaluate("() => Object.keys(localStorage).join(',') + '|' + Object.keys(sessionStorage).join(',')"))
                .isEqualTo("hoop.token|");
        String token = (String) page.evaluate("() => localStorage.getItem('hoop.token')");
        // only the provider's redirect itself carried the token: no request after it, no Referer
        List<String> carrying = seen.stream().filter(s -> s.contains(token)).toList();
        assertThat(carrying).hasSize(1);
        assertThat(carrying.getFirst()).contains("/login?next=%2Fsessions&sso=").contains("&token=").endsWith("referer=");
        // the history entry was replaced: going back never shows the token again
        page.goBack();
        assertThat(page.url()).doesNotContain("token");
        assertThat(stack.send("GET", "/api/userinfo", token, null).body()).contains("sso@example.com");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        page.waitForURL("**/login");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in with SSO"))).isVisible();

        // a link carrying a (valid) token that this tab did not ask for signs nobody in: login CSRF
        for (String link : List.of("/login?token=" + token, "/callback?next=%2Fsessions&sso=guessed&token=" + token)) {
            Page other = browser.desktop(stack.api);
            other.navigate(link);
            assertThat(other.getByRole(AriaRole.ALERT)).hasText("Single sign-on failed: this sign-in link was not started here; sign in again");
            assertThat(other.url()).doesNotContain(token);
            assertThat(other.evaluate("() => localStorage.length + sessionStorage.length")).isEqualTo(0);
        }
    }

    @Test
    void aProviderErrorIsShownAndNothingIsStored() {
        Page page = browser.desktop(stack.api);
        // what /api/callback sends when the provider refused (or the state was used already)
        page.navigate("/callback?error=" + java.net.URLEncoder.encode("unknown or already used login; start the login again",
                java.nio.charset.StandardCharsets.UTF_8));
        page.waitForURL("**/login?error=**");
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Single sign-on failed: unknown or already used login; start the login again");
        assertThat(page.evaluate("() => localStorage.length")).isEqualTo(0);
        // markup in the error is text
        page.navigate("/login?error=%3Cb%3Ebold%3C%2Fb%3E");
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Single sign-on failed: <b>bold</b>");
        assertThat(page.locator("main b")).hasCount(0);
    }
}
