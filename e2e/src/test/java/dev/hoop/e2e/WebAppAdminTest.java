package dev.hoop.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The administration pages in Debian's Chromium against the real gateway: an agent created in the
 * page shows its DSN once (and a real agent connects with it), an agent deleted after the page asked
 * (and the API's reason when it refuses), a connection created and changed with its plugins, deleted,
 * and users created, regrouped and disabled.
 */
class WebAppAdminTest extends BrowserTestBase {

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    static Page.GetByLabelOptions exact() {
        return new Page.GetByLabelOptions().setExact(true);
    }

    static Locator row(Page page, String text) {
        return page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(text));
    }

    @Test
    void anAgentCreatedInThePageShowsItsDsnOnceAndConnectsWithIt() throws Exception {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/agents");
        assertThat(row(page, "e2e-agent")).containsText("online");
        page.getByLabel("Agent name").fill("web-agent");
        page.getByRole(AriaRole.BUTTON, named("Create agent")).click();
        Locator dsn = page.getByLabel("DSN of agent web-agent");
        assertThat(dsn).hasValue(Pattern.compile("grpc://web-agent:xagt-[A-Za-z0-9_-]{43}@127\\.0\\.0\\.1:\\d+\\?mode=standard"));
        assertThat(page.getByRole(AriaRole.BUTTON, named("Copy DSN"))).isVisible();
        assertThat(row(page, "web-agent")).containsText("offline");
        String secret = dsn.inputValue();
        String key = secret.substring(secret.indexOf("xagt-"), secret.indexOf('@'));
        // the DSN lives in the page only: not in the browser's storage, not in the page's source
        assertThat(page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)").toString()).doesNotContain(key);
        assertThat(page.content()).doesNotContain(key);
        WebBrowser.assertAccessible(page, "agents page with a new DSN");
        WebBrowser.screenshot(page, "admin-agents");

        // the same name again: the API's reason in the page
        page.getByLabel("Agent name").fill("web-agent");
        page.getByRole(AriaRole.BUTTON, named("Create agent")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("agent 'web-agent' exists already (delete it first to issue a new key)");

        // the DSN works: a real agent started with it shows online after a reload, and the DSN is gone
        stack.hoop.start(Map.of("HOOP_DSN", secret, "LOG_ENCODING", "console"), "web-agent", "start", "agent");
        HoopStack.await("web-agent connects", Duration.ofSeconds(30), () -> {
            try {
                return stack.get("/api/agents/web-agent").get("status").asText().equals("CONNECTED");
            } catch (Exception e) {
                return false;
            }
        });
        page.reload();
        assertThat(row(page, "web-agent")).containsText("online");
        assertThat(page.getByLabel("DSN of agent web-agent")).hasCount(0);

        // deleted while connected: the page says it is cut off, and the gateway does cut it off
        page.getByRole(AriaRole.BUTTON, named("Delete agent web-agent")).click();
        Locator question = page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions()
                .setName("Delete agent web-agent? It is connected: it is cut off now and its open sessions end."));
        question.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, delete")).click();
        assertThat(page.getByRole(AriaRole.STATUS).first()).hasText("Agent web-agent deleted.");
        HoopStack.await("the gateway cuts the deleted agent off", Duration.ofSeconds(20),
                () -> stack.read("web-agent.err").contains("agent 'web-agent' was deleted"));
    }

    @Test
    void anAgentIsDeletedAfterThePageAsksAndARefusalShowsTheApisReason() throws Exception {
        stack.post("/api/agents", Map.of("name", "doomed-agent", "mode", "standard"), 201);
        stack.post("/api/agents", Map.of("name", "vanishing-agent", "mode", "standard"), 201);
        stack.post("/api/connections", Map.of("name", "served-by-doomed", "type", "command-line", "agent_name", "doomed-agent",
                "command", java.util.List.of("bash")), 201);
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/agents");
        assertThat(row(page, "doomed-agent")).containsText("served-by-doomed");

        // the page asks, naming the connections that lose their agent; Escape takes the question back
        Locator delete = page.getByRole(AriaRole.BUTTON, named("Delete agent doomed-agent"));
        delete.click();
        Locator question = page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions()
                .setName("Delete agent doomed-agent? Its connections (served-by-doomed) stay, without an agent until one is chosen."));
        assertThat(question.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, delete"))).isFocused();
        WebBrowser.assertAccessible(page, "agents page asking to delete");
        page.keyboard().press("Escape");
        assertThat(question).hasCount(0);
        assertThat(delete).isFocused();
        assertThat(stack.status("/api/agents/doomed-agent")).isEqualTo(200);

        // with the keyboard alone: Enter asks, Enter agrees
        page.keyboard().press("Enter");
        page.keyboard().press("Enter");
        assertThat(page.getByRole(AriaRole.STATUS).first()).hasText("Agent doomed-agent deleted.");
        assertThat(row(page, "doomed-agent")).hasCount(0);
        assertThat(stack.get("/api/agents").findValuesAsText("name")).doesNotContain("doomed-agent").contains("e2e-agent");
        JsonNode orphan = stack.get("/api/connections/served-by-doomed");
        assertThat(orphan.hasNonNull("agent_id") || orphan.hasNonNull("agent_name")).as(orphan.toString()).isFalse();

        // deleted by someone else after the page listed it: the API's refusal in the page, and the list catches up
        assertThat(stack.send("DELETE", "/api/agents/vanishing-agent", stack.token, null).statusCode()).isEqualTo(204);
        page.getByRole(AriaRole.BUTTON, named("Delete agent vanishing-agent")).click();
        page.getByRole(AriaRole.BUTTON, named("Yes, delete")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("agent 'vanishing-agent' not found");
        assertThat(row(page, "vanishing-agent")).hasCount(0);
    }

    @Test
    void aConnectionIsCreatedChangedWithItsPluginsAndDeleted() throws Exception {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/connections");
        page.getByRole(AriaRole.BUTTON, named("New connection")).click();
        page.getByLabel("Name", exact()).fill("web-pg");
        page.getByLabel("Type", exact()).selectOption("postgres");
        page.getByLabel("Agent", exact()).selectOption("e2e-agent");
        String[] values = {"127.0.0.1", "5432", "postgres", "never-shown-pass", stack.targetDb};
        for (int i = 0; i < values.length; i++) {
            page.getByLabel("Secret " + (i + 1) + " value", exact()).fill(values[i]);
        }
        page.getByLabel("Guardrails", exact()).fill("drop, delete-without-where");
        page.getByLabel("Mask sensitive data in results").check();
        page.getByLabel("Masking rules", exact()).fill("EMAIL_ADDRESS, format:TOKEN");
        page.getByLabel("Reviewer groups", exact()).fill("dba");
        page.getByRole(AriaRole.BUTTON, named("Create connection")).click();
        assertThat(page.getByRole(AriaRole.STATUS).first()).hasText("Connection web-pg created.");
        assertThat(row(page, "web-pg")).containsText("DB, HOST, PASS, PORT, USER");

        JsonNode conn = stack.get("/api/connections/web-pg");
        assertThat(conn.get("agent_name").asText()).isEqualTo("e2e-agent");
        assertThat(stack.get("/api/guardrails/web-pg").get("rules").toString()).isEqualTo("[\"drop\",\"delete-without-where\"]");
        assertThat(stack.get("/api/connections/web-pg/reviewers").get("groups").toString()).isEqualTo("[\"dba\"]");
        assertThat(stack.get("/api/plugins/dlp").get("connections").toString()).contains("\"EMAIL_ADDRESS\",\"FORMAT:TOKEN\"");

        // edit: the form shows the plugins as stored, never the secret values
        page.getByRole(AriaRole.BUTTON, named("Edit web-pg")).click();
        assertThat(page.getByLabel("Guardrails", exact())).hasValue("drop, delete-without-where");
        assertThat(page.getByLabel("Reviewer groups", exact())).hasValue("dba");
        assertThat(page.getByLabel("Mask sensitive data in results")).isChecked();
        assertThat(page.getByLabel("Secret 4 value", exact())).hasValue("");
        assertThat(page.content()).doesNotContain("never-shown-pass");
        WebBrowser.assertAccessible(page, "connection form");
        WebBrowser.screenshot(page, "admin-connections");
        page.getByLabel("Reviewer groups", exact()).fill("");
        page.getByLabel("Mask sensitive data in results").uncheck();
        page.getByLabel("Guardrails", exact()).fill("bogus-rule");
        page.getByRole(AriaRole.BUTTON, named("Save connection")).click();
        // a refused rule: the API's message, saying what was saved
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The connection is saved, but not all its plugins");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("bogus-rule");
        page.getByLabel("Guardrails", exact()).fill("read-only");
        page.getByRole(AriaRole.BUTTON, named("Save connection")).click();
        assertThat(page.getByRole(AriaRole.STATUS).first()).hasText("Connection web-pg saved.");
        assertThat(stack.get("/api/connections/web-pg/reviewers").get("groups").toString()).isEqualTo("[]");
        assertThat(stack.get("/api/guardrails/web-pg").get("rules").toString()).isEqualTo("[\"read-only\"]");
        assertThat(stack.get("/api/plugins/dlp").get("connections").toString()).doesNotContain("web-pg");
        // the stored secrets stayed: the connection still reaches the database
        JsonNode run = stack.post("/api/sessions", Map.of("connection", "web-pg", "script", "select 7 as seven"), 200);
        assertThat(run.get("output").asText()).contains("7");

        // the connection page links back to this form for its rules
        page.navigate("/connections/web-pg");
        assertThat(page.locator("dl.facts").last()).containsText("read-only");
        page.getByRole(AriaRole.LINK, named("Change these rules")).click();
        assertThat(page.getByLabel("Guardrails", exact())).hasValue("read-only");

        // delete asks twice
        page.navigate("/admin/connections");
        page.getByRole(AriaRole.BUTTON, named("Delete web-pg")).click();
        assertThat(row(page, "web-pg")).hasCount(1);
        page.getByRole(AriaRole.BUTTON, named("Really delete web-pg?")).click();
        assertThat(row(page, "web-pg")).hasCount(0);
        assertThat(stack.status("/api/connections/web-pg")).isEqualTo(404);
    }

    @Test
    void usersAreCreatedRegroupedAndDisabled() throws Exception {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        page.navigate("/admin/users");
        page.getByLabel("Email", exact()).fill("carol@example.com");
        page.getByLabel("Name", exact()).fill("Carol");
        page.getByLabel("Password", exact()).fill("carol-password-1");
        page.getByLabel("Groups", exact()).fill("devs");
        page.getByRole(AriaRole.BUTTON, named("Create user")).click();
        assertThat(row(page, "carol@example.com")).containsText("devs");
        assertThat(row(page, "carol@example.com")).containsText("active");
        // the own user cannot be disabled from here
        assertThat(page.getByRole(AriaRole.BUTTON, named("Disable " + HoopStack.EMAIL))).hasCount(0);

        page.getByRole(AriaRole.BUTTON, named("Edit groups of carol@example.com")).click();
        page.getByLabel("Groups", exact()).first().fill("devs, dba");
        page.getByRole(AriaRole.BUTTON, named("Save groups")).click();
        assertThat(row(page, "carol@example.com")).containsText("dba, devs");
        WebBrowser.assertAccessible(page, "users page");
        WebBrowser.screenshot(page, "admin-users");

        page.getByRole(AriaRole.BUTTON, named("Disable carol@example.com")).click();
        assertThat(row(page, "carol@example.com")).containsText("disabled");
        assertThat(stack.send("POST", "/api/localauth/login", "", Map.of("email", "carol@example.com", "password", "carol-password-1"))
                .statusCode()).isEqualTo(401);
        page.getByRole(AriaRole.BUTTON, named("Enable carol@example.com")).click();
        assertThat(row(page, "carol@example.com")).containsText("active");

        // a bad group name: the API's reason
        page.getByLabel("Email", exact()).fill("dan@example.com");
        page.getByLabel("Groups", exact()).last().fill("bad group!");
        page.getByRole(AriaRole.BUTTON, named("Create user")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).isVisible();
        assertThat(stack.get("/api/users").toString()).doesNotContain("dan@example.com");
    }
}
