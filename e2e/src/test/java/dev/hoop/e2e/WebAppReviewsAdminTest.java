package dev.hoop.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reviews and the admin pages in Debian's Chromium: a requester's script approved by a second user
 * through the review page and then run, self-approval refused with the API's message, client keys
 * and API keys created through their pages (the secret shown once, never stored), webhooks.
 */
class WebAppReviewsAdminTest extends BrowserTestBase {
    static final String DEV = "dev@example.com";
    static final String DBA = "dba@example.com";
    static final String PASSWORD = "a-password-1";
    final ObjectMapper json = new ObjectMapper();

    @Override
    void prepare() throws Exception {
        stack.install();
        stack.createConnection("sh", "command-line", Map.of(), "bash", "--norc", "--noprofile");
        assertThat(stack.send("PUT", "/api/connections/sh/reviewers", stack.token, Map.of("groups", List.of("dba"))).statusCode()).isEqualTo(200);
        // the requester is in dba too: they see the decision form, and the API refuses their own approval
        stack.post("/api/users", Map.of("email", DEV, "password", PASSWORD, "groups", List.of("dev", "dba")), 201);
        stack.post("/api/users", Map.of("email", DBA, "password", PASSWORD, "groups", List.of("dba")), 201);
    }

    private Page as(String email, String password) {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, email, password);
        return page;
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name);
    }

    private String storage(Page page) {
        return String.valueOf(page.evaluate("() => JSON.stringify({...localStorage}) + '|' + JSON.stringify({...sessionStorage})"));
    }

    @Test
    void aSecondUserApprovesTheRequestersScriptWhichThenRuns() throws Exception {
        String devToken = stack.post("/api/localauth/login", Map.of("email", DEV, "password", PASSWORD), 200).get("token").asText();
        var asked = stack.send("POST", "/api/sessions", devToken, Map.of("connection", "sh", "script", "echo approved-$((6*7))\n"));
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        String review = json.readTree(asked.body()).get("review_id").asText();

        // the requester may not approve their own review: the page shows the API's refusal
        Page dev = as(DEV, PASSWORD);
        dev.navigate("/reviews/" + review);
        dev.getByRole(AriaRole.BUTTON, named("Approve")).click();
        assertThat(dev.getByRole(AriaRole.ALERT)).containsText("you cannot approve your own review");

        // the approver finds it in their inbox and approves it with a reason
        Page dba = as(DBA, PASSWORD);
        dba.navigate("/reviews");
        Locator inbox = dba.locator("table").first();
        assertThat(dba.getByRole(AriaRole.HEADING, named("Waiting for your decision"))).isVisible();
        assertThat(inbox).containsText(DEV);
        assertThat(inbox).containsText("pending");
        WebBrowser.assertAccessible(dba, "reviews inbox");
        WebBrowser.screenshot(dba, "reviews");
        inbox.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Review " + review.substring(0, 8) + " on sh")).click();
        dba.waitForURL("**/reviews/" + review);
        assertThat(dba.locator("pre.script")).hasText("echo approved-$((6*7))\n");
        dba.getByLabel("Reason (optional; the requester sees it)").fill("looks harmless");
        WebBrowser.assertAccessible(dba, "review page");
        dba.getByRole(AriaRole.BUTTON, named("Approve")).click();
        assertThat(dba.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("You approved"))).isVisible();
        assertThat(dba.locator("table")).containsText("looks harmless");
        assertThat(dba.getByRole(AriaRole.BUTTON, named("Approve"))).hasCount(0);

        // the requester sees the decision and runs the approved script once
        dev.navigate("/reviews");
        assertThat(dev.getByRole(AriaRole.HEADING, named("Your requests"))).isVisible();
        assertThat(dev.locator("table").first()).containsText("approved");
        dev.navigate("/reviews/" + review);
        assertThat(dev.locator("table")).containsText(DBA);
        dev.getByRole(AriaRole.BUTTON, named("Run the approved script")).click();
        // the script runs on the agent: allow a busy machine its time
        assertThat(dev.getByLabel("Output")).hasText("approved-42\n", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
        WebBrowser.assertAccessible(dev, "review run");
        assertThat(stack.get("/api/reviews/" + review).get("status").asText()).isIn("PROCESSING", "EXECUTED");
        dev.getByRole(AriaRole.LINK, named("Open the session")).click();
        assertThat(dev.locator("dl.meta")).containsText(DEV);
    }

    @Test
    void aNonAdminIsRefusedTheAdminPages() {
        Page dev = as(DEV, PASSWORD);
        assertThat(dev.getByRole(AriaRole.LINK, named("Admin"))).hasCount(0);
        dev.navigate("/admin/clientkeys");
        assertThat(dev.getByRole(AriaRole.ALERT)).containsText("Only admins");
        assertThat(dev.getByRole(AriaRole.BUTTON, named("Create client key"))).hasCount(0);
    }

    @Test
    void aClientKeyIsCreatedWithItsDsnShownOnceThenDisabledAndRotated() throws Exception {
        Page page = as(HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/clientkeys");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("edge");
        page.getByRole(AriaRole.BUTTON, named("Create client key")).click();
        Locator secret = page.locator(".secret-value");
        assertThat(secret).containsText("edge");
        String dsn = secret.textContent();
        assertThat(dsn).startsWith("grpc");
        assertThat(page.locator("table")).containsText("edge");
        assertThat(storage(page)).doesNotContain(dsn);
        assertThat(page.evaluate("() => Object.keys(localStorage).join(',') + '|' + Object.keys(sessionStorage).join(',')")).isEqualTo("hoop.token|");
        WebBrowser.assertAccessible(page, "client keys");
        WebBrowser.screenshot(page, "admin-clientkeys");
        // shown once: leaving the page and coming back shows the key, not its DSN
        page.getByRole(AriaRole.LINK, named("API keys")).click();
        page.getByRole(AriaRole.LINK, named("Client keys")).click();
        assertThat(page.locator("table")).containsText("edge");
        assertThat(page.content()).doesNotContain(dsn);

        page.getByRole(AriaRole.BUTTON, named("Disable edge")).click();
        assertThat(page.locator("table")).containsText("disabled");
        assertThat(stack.get("/api/clientkeys/edge").get("active").asBoolean()).isFalse();
        page.getByRole(AriaRole.BUTTON, named("Rotate")).click();
        page.getByRole(AriaRole.BUTTON, named("Yes, rotate")).click();
        assertThat(secret).containsText("edge");
        assertThat(secret.textContent()).isNotEqualTo(dsn);
        page.getByRole(AriaRole.BUTTON, named("Delete")).click();
        page.getByRole(AriaRole.BUTTON, named("Yes, delete")).click();
        assertThat(page.getByText("No client key yet.")).isVisible();
        // a wrong name is the API's message
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("bad:name");
        page.evaluate("() => document.querySelector('input[name=name]').removeAttribute('pattern')");
        page.getByRole(AriaRole.BUTTON, named("Create client key")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("client key name 'bad:name' is not valid");
    }

    @Test
    void anApiKeyIsShownOnceWorksAndIsRevoked() throws Exception {
        Page page = as(HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/apikeys");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("ci-bot");
        page.getByLabel("Groups").fill("admin, deploy");
        page.getByRole(AriaRole.BUTTON, named("Create API key")).click();
        Locator secret = page.locator(".secret-value");
        assertThat(secret).not().isEmpty();
        String key = secret.textContent();
        assertThat(storage(page)).doesNotContain(key);
        assertThat(stack.send("GET", "/api/userinfo", key, null).statusCode()).isEqualTo(200);
        assertThat(page.locator("table")).containsText("admin, deploy");
        WebBrowser.assertAccessible(page, "API keys");
        WebBrowser.screenshot(page, "admin-apikeys");
        page.getByRole(AriaRole.BUTTON, named("Revoke")).click();
        page.getByRole(AriaRole.BUTTON, named("Yes, revoke")).click();
        assertThat(page.locator("table")).containsText("revoked");
        assertThat(stack.send("GET", "/api/userinfo", key, null).statusCode()).isEqualTo(401);
        page.reload();
        assertThat(page.locator("table")).containsText("ci-bot");
        assertThat(page.content()).doesNotContain(key);
    }

    @Test
    void aWebhookIsCreatedWithItsSecretShownOnceAndItsDeliveriesListed() throws Exception {
        Page page = as(HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/webhooks");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("audit-sink");
        page.getByLabel("URL").fill("http://127.0.0.1:9/hook");
        page.getByLabel("review.created").check();
        page.getByRole(AriaRole.BUTTON, named("Create webhook")).click();
        Locator secret = page.locator(".secret-value");
        assertThat(secret).not().isEmpty();
        assertThat(storage(page)).doesNotContain(secret.textContent());
        assertThat(page.locator("table")).containsText("review.created");
        WebBrowser.assertAccessible(page, "webhooks");
        WebBrowser.screenshot(page, "admin-webhooks");
        // a review makes a delivery (to a closed port: it fails and is retried)
        String devToken = stack.post("/api/localauth/login", Map.of("email", DEV, "password", PASSWORD), 200).get("token").asText();
        assertThat(stack.send("POST", "/api/sessions", devToken, Map.of("connection", "sh", "script", "echo hook\n")).statusCode()).isEqualTo(202);
        HoopStack.await("the review.created delivery is in the log", java.time.Duration.ofSeconds(20), () -> {
            try {
                return stack.get("/api/webhooks/audit-sink/deliveries").size() > 0;
            } catch (Exception e) {
                return false;
            }
        });
        page.getByRole(AriaRole.BUTTON, named("Deliveries of audit-sink")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Deliveries of audit-sink"))).isVisible();
        assertThat(page.locator("table", new Page.LocatorOptions().setHasText("The latest deliveries"))).containsText("review.created");
        page.getByRole(AriaRole.BUTTON, named("Disable audit-sink")).click();
        assertThat(page.locator("table").first()).containsText("disabled");
        page.getByRole(AriaRole.BUTTON, named("Delete")).click();
        page.getByRole(AriaRole.BUTTON, named("Yes, delete")).click();
        assertThat(page.getByText("No webhook yet.")).isVisible();
        // a URL with credentials is refused with the API's reason
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("leaky");
        page.getByLabel("URL").fill("http://user:pw@127.0.0.1:9/hook");
        page.getByRole(AriaRole.BUTTON, named("Create webhook")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("user:password@");
    }
}
