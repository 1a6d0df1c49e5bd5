package dev.hoop.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

/** The web app's shell in Debian's Chromium: sign-in, the token kept only as the session token, sign-out. */
class WebAppSignInTest extends BrowserTestBase {

    @Test
    void aSignedOutVisitorIsSentToSignInAndComesBackToThePageAsked() throws Exception {
        Page page = browser.desktop(stack.api);
        page.navigate("/sessions");
        page.waitForURL("**/login?next=%2Fsessions");
        WebBrowser.assertAccessible(page, "sign-in page");
        WebBrowser.screenshot(page, "sign-in");
        page.getByLabel("Email").fill(HoopStack.EMAIL);
        page.getByLabel("Password").fill(HoopStack.PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/sessions");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin"))).isVisible();
        assertThat(page.url()).doesNotContain("token");
    }

    @Test
    void aWrongPasswordSaysSoAndStoresNothing() {
        Page page = browser.desktop(stack.api);
        page.navigate("/login");
        page.getByLabel("Email").fill(HoopStack.EMAIL);
        page.getByLabel("Password").fill("not-the-password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("invalid email or password");
        assertThat(page.evaluate("() => JSON.stringify(localStorage)").toString()).isEqualTo("{}");
    }

    @Test
    void signOutForgetsTheTokenAndTheNextVisitAsksAgain() {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        // the only thing the app keeps in the browser is the session token
        assertThat(page.evaluate("() => Object.keys(localStorage).join(',') + '|' + Object.keys(sessionStorage).join(',')"))
                .isEqualTo("hoop.token|");
        assertThat(page.content()).doesNotContain(HoopStack.PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        page.waitForURL("**/login");
        assertThat(page.evaluate("() => localStorage.getItem('hoop.token')")).isNull();
        page.navigate("/connections");
        page.waitForURL("**/login?next=%2Fconnections");
    }
}
