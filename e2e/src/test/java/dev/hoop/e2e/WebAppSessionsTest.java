package dev.hoop.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sessions pages in Debian's Chromium, on sessions the real binaries recorded: search and open,
 * a terminal replay (play to the end, idle time cut, seek with the keyboard), a psql session's
 * statement timeline, the seal's badge, a running session's live events, a phone's width.
 */
class WebAppSessionsTest extends BrowserTestBase {
    String terminalSession;
    String psqlSession;

    @Override
    void prepare() throws Exception {
        stack.install();
        stack.createConnection("sh", "command-line", Map.of(), "bash", "--norc", "--noprofile");
        stack.createPostgresConnection("pg");
        // a terminal session with a long idle gap: 6 s of sleep between its two outputs
        terminalSession = exec("echo quokka-$((6*7)) sighted\nsleep 6\necho after-the-pause\n").get("session_id").asText();
        int port = stack.connect("pg", "connect-pg");
        Psql psql = new Psql(work);
        assertThat(psql.run(port, "x", "-c", "select g from generate_series(1, 3) g").exit()).isZero();
        assertThat(psql.run(port, "x", "-c", "select * from no_such_table").err()).contains("no_such_table");
        psqlSession = stack.get("/api/sessions?connection=pg&verb=connect").get("data").get(0).get("id").asText();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("connect pg")) {
                child.destroy();
            }
        }
        for (String id : new String[] {terminalSession, psqlSession}) {
            HoopStack.await("session " + id + " is stored and sealed", Duration.ofSeconds(30), () -> {
                try {
                    return stack.get("/api/sessions/" + id + "/verify").get("valid").asBoolean();
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** {@code POST /api/sessions} on "sh" (HTTP/1.1, as {@link HoopStack#send} explains), its answer. */
    private JsonNode exec(String script) throws Exception {
        var r = stack.send("POST", "/api/sessions", stack.token, Map.of("connection", "sh", "script", script));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private Page signedIn() {
        Page page = browser.desktop(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        return page;
    }

    @Test
    void aSessionIsFoundBySearchWithItsSnippetAndOpens() throws Exception {
        Page page = signedIn();
        page.navigate("/sessions");
        assertThat(page.locator("tbody tr").first()).isVisible();
        page.getByLabel("Search").fill("quokka");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        page.waitForURL("**/sessions?q=quokka");
        Locator results = page.locator("table", new Page.LocatorOptions().setHasText("quokka"));
        assertThat(results.locator("mark").first()).hasText("quokka");
        assertThat(results.locator("tbody tr")).hasCount(1);
        WebBrowser.assertAccessible(page, "sessions search");
        WebBrowser.screenshot(page, "sessions-search");
        // a mistake in the query is the API's message
        page.getByLabel("Search").fill("conn:sh");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("unknown qualifier 'conn:'");
        page.goBack();
        results.locator("tbody a").first().click();
        page.waitForURL("**/sessions/" + terminalSession);
        assertThat(page.locator(".badge", new Page.LocatorOptions().setHasText("Verified"))).isVisible();
        // the listing filters too, written as qualifiers when combined with words
        page.navigate("/sessions?connection=pg");
        assertThat(page.locator("tbody tr")).hasCount(1);
        page.navigate("/sessions?q=quokka&connection=pg");
        assertThat(page.getByText("No session matches.")).isVisible();
    }

    @Test
    void aTerminalSessionReplaysToTheEndWithIdleTimeCutAndSeeks() throws Exception {
        Page page = signedIn();
        page.navigate("/sessions/" + terminalSession);
        Locator screen = page.locator(".xterm-rows");
        Locator play = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Play"));
        assertThat(play).isVisible();
        // 6 s of sleep between the outputs: the replay shortens it to 2 s
        assertThat(page.locator(".clock")).containsText(" / ");
        String clock = page.locator(".clock").textContent();
        String[] total = clock.substring(clock.indexOf(" / ") + 3).trim().split(":");
        assertThat(Integer.parseInt(total[0]) * 60 + Integer.parseInt(total[1])).as(clock).isLessThan(5);
        play.click();
        assertThat(screen).containsText("quokka-42");
        assertThat(page.locator(".player .state")).hasText("Ended", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(15_000));
        assertThat(page.locator(".player .state")).isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
        assertThat(screen).containsText("after-the-pause");
        WebBrowser.assertAccessible(page, "session replay");
        WebBrowser.screenshot(page, "session-replay");
        // seek with the keyboard: Home goes back to the start (an empty screen), End to the end
        Locator position = page.getByLabel("Position");
        position.focus();
        page.keyboard().press("Home");
        assertThat(screen).not().containsText("quokka");
        assertThat(page.locator(".clock")).containsText("0:00 /");
        page.keyboard().press("End");
        assertThat(screen).containsText("after-the-pause");
        // the recording is the API's asciicast; nothing of it is kept in the browser
        assertThat(page.evaluate("() => Object.keys(localStorage).join(',') + '|' + Object.keys(sessionStorage).join(',')")).isEqualTo("hoop.token|");
    }

    @Test
    void truecolourOutputReplaysInItsColourAndTheCspStaysQuiet() throws Exception {
        // the first colour's sequence is cut in two: a second passes between the two writes
        String id = exec("printf '\\033[38;2;25'; sleep 1; printf '5;0;0mcardinal-red\\033[0m \\033[48;2;0;0;255mon-blue\\033[0m\\n'\n")
                .get("session_id").asText();
        var cast = stack.send("GET", "/api/sessions/" + id + "/download?format=asciicast", stack.token, null);
        assertThat(cast.statusCode()).isEqualTo(200);
        assertThat(cast.body()).as("an output event ends inside the sequence").containsIgnoringCase("\\u001b[38;2;25\"]");

        Page page = signedIn();
        List<String> console = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
        page.navigate("/sessions/" + id);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Play")).click();
        assertThat(page.locator(".player .state")).hasText("Ended", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(15_000));
        // palette colours are classes, which the CSP allows; the rewrite chose the exact ones
        Locator red = page.locator(".xterm-rows span", new Page.LocatorOptions().setHasText("cardinal-red"));
        assertThat(red).hasClass(Pattern.compile("(^|\\s)xterm-fg-196(\\s|$)"));
        assertThat(red.evaluate("e => getComputedStyle(e).color")).isEqualTo("rgb(255, 0, 0)");
        Locator blue = page.locator(".xterm-rows span", new Page.LocatorOptions().setHasText("on-blue"));
        assertThat(blue).hasClass(Pattern.compile("(^|\\s)xterm-bg-21(\\s|$)"));
        assertThat(blue.evaluate("e => getComputedStyle(e).backgroundColor")).isEqualTo("rgb(0, 0, 255)");
        // xterm.js writes a truecolour as a style attribute ("color:#…"): none is left for the CSP to block
        assertThat(page.locator(".xterm-rows [style*='color']")).hasCount(0);
        // and xterm.js's own <style> elements are inert stand-ins applied as constructed sheets: no refusal either
        assertThat(page.locator(".terminal style")).hasCount(0);
        assertThat(console).as("console").noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void aPsqlSessionShowsItsStatementTimelineAndIsVerified() throws Exception {
        Page page = signedIn();
        page.navigate("/sessions/" + psqlSession);
        Locator timeline = page.locator("table", new Page.LocatorOptions().setHasText("Statement timeline"));
        Locator select = timeline.locator("tr", new Locator.LocatorOptions().setHasText("select g from generate_series(1, 3) g"));
        assertThat(select).containsText("SELECT 3");
        assertThat(timeline.locator("tr", new Locator.LocatorOptions().setHasText("select * from no_such_table")))
                .containsText("ERROR 42P01: relation \"no_such_table\" does not exist");
        assertThat(page.locator(".badge", new Page.LocatorOptions().setHasText("Verified"))).isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Timeline (.json)"))).isVisible();
        WebBrowser.assertAccessible(page, "session timeline");
        WebBrowser.screenshot(page, "session-timeline");
        // a download goes through fetch with the token (never in the URL) and arrives as a file
        com.microsoft.playwright.Download file = page.waitForDownload(
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Transcript (.txt)")).click());
        assertThat(file.suggestedFilename()).isEqualTo("session-" + psqlSession + ".txt");
        assertThat(java.nio.file.Files.readString(file.path())).contains("select * from no_such_table");
    }

    @Test
    void aChangedRecordingIsShownTampered() throws Exception {
        String id = exec("echo to-be-changed\n").get("session_id").asText();
        HoopStack.await("sealed", Duration.ofSeconds(30), () -> {
            try {
                return stack.get("/api/sessions/" + id + "/verify").get("valid").asBoolean();
            } catch (Exception e) {
                return false;
            }
        });
        HoopStack.sql("jdbc:postgresql://127.0.0.1:5432/" + stack.gatewayDb,
                "UPDATE hoop.session_events SET data = convert_to('echo nothing-to-see', 'UTF8') WHERE session_id = '" + id + "' AND convert_from(data, 'UTF8') LIKE 'echo to-be-changed%'");
        Page page = signedIn();
        page.navigate("/sessions/" + id);
        assertThat(page.locator(".badge", new Page.LocatorOptions().setHasText("Tampered"))).isVisible();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("differs from what was sealed");
    }

    @Test
    void aRunningSessionShowsItsEventsLiveAndThenItsReplay() throws Exception {
        CompletableFuture<JsonNode> running = CompletableFuture.supplyAsync(() -> {
            try {
                return exec("echo live-begins\nsleep 4\necho live-ends\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String[] id = new String[1];
        HoopStack.await("the session runs and has output", Duration.ofSeconds(30), () -> {
            try {
                JsonNode data = stack.get("/api/sessions?connection=sh&verb=exec&limit=1").get("data");
                if (data.isEmpty() || !data.get(0).get("status").asText().equals("open")) {
                    return false;
                }
                id[0] = data.get(0).get("id").asText();
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        Page page = signedIn();
        page.navigate("/sessions/" + id[0]);
        Locator events = page.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Events"));
        assertThat(events).containsText("live-begins");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Live events"))).isVisible();
        assertThat(events).containsText("live-ends", new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        assertThat(page.getByText("The session ended")).isVisible();
        // then the page shows the ended session: its replay
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Play"))).isVisible();
        assertThat(running.get(60, TimeUnit.SECONDS).get("exit_code").asInt()).isZero();
    }

    @Test
    void recordedMarkupIsShownAsTextAndAnotherUserSeesNoneOfThese() throws Exception {
        String id = exec("echo '<img src=x onerror=alert(1)>' zebra-html\n").get("session_id").asText();
        Page page = signedIn();
        page.navigate("/sessions?q=zebra");
        Locator hit = page.locator("tbody tr");
        assertThat(hit).hasCount(1);
        assertThat(hit.locator(".snippet").first()).containsText("<img src=x onerror=alert(1)>");
        assertThat(page.locator("tbody img")).hasCount(0);
        page.navigate("/sessions/" + id);
        assertThat(page.locator(".badge", new Page.LocatorOptions().setHasText("exit 0"))).isVisible();
        assertThat(page.locator("main img")).hasCount(0);
        // a crafted id never reaches another API route: the gateway refuses it as a page address, and a
        // link inside the app (no request for the page) is stopped by the page
        page.navigate("/sessions/..%2F..%2Fapi%2Fusers");
        assertThat(page.locator("body")).containsText("path escapes the web app folder");
        page.navigate("/sessions");
        page.evaluate("() => { history.pushState(null, '', '/sessions/..%2F..%2Fapi%2Fusers'); dispatchEvent(new PopStateEvent('popstate')); }");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("not found");

        stack.post("/api/users", Map.of("email", "other@example.com", "password", "a-password-1", "groups", java.util.List.of("dev")), 201);
        Page other = browser.desktop(stack.api);
        WebBrowser.signIn(other, "other@example.com", "a-password-1");
        other.navigate("/sessions/" + terminalSession);
        assertThat(other.getByRole(AriaRole.ALERT)).containsText("session '" + terminalSession + "' not found");
        other.navigate("/sessions?q=quokka");
        assertThat(other.getByText("No session matches.")).isVisible();
        other.navigate("/sessions");
        assertThat(other.getByText("No session matches.")).isVisible();
        assertThat(other.getByLabel("User")).hasCount(0);
    }

    @Test
    void theSessionsPagesFitAPhone() throws Exception {
        Page page = browser.phone(stack.api);
        WebBrowser.signIn(page, HoopStack.EMAIL, HoopStack.PASSWORD);
        for (String path : new String[] {"/sessions", "/sessions/" + psqlSession, "/sessions/" + terminalSession}) {
            page.navigate(path);
            assertThat(page.locator(".badge").first()).isVisible();
            Object width = page.evaluate("() => document.documentElement.scrollWidth");
            assertThat(((Number) width).intValue()).as(path + " is as wide as the phone").isLessThanOrEqualTo(390);
        }
        WebBrowser.assertAccessible(page, "session on a phone");
    }
}
