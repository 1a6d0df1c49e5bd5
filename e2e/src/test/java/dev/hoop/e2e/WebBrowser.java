package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's Chromium driven by Playwright, for the web app's tests: pages at desktop (1280×800) or
 * phone width, sign-in, screenshots saved under {@code target/screenshots} (the README's pictures
 * come from there), and axe-core's accessibility check.
 */
final class WebBrowser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String CHROMIUM = System.getenv().getOrDefault("HOOP_CHROMIUM", "/usr/bin/chromium");

    private final Playwright playwright;
    private final Browser browser;

    WebBrowser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(CHROMIUM)).setHeadless(true)
                // the machine's network is closed: no background calls to Google's hosts
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    /** A fresh browser profile (no token stored) at 1280×800 on the gateway's web app. */
    Page desktop(String baseUrl) {
        return page(baseUrl, 1280, 800);
    }

    /** A fresh profile at a phone's width. */
    Page phone(String baseUrl) {
        return page(baseUrl, 390, 844);
    }

    private Page page(String baseUrl, int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setBaseURL(baseUrl).setViewportSize(width, height));
        context.setDefaultTimeout(20_000);
        return context.newPage();
    }

    /** Signs in through the sign-in form and waits for the page after it. */
    static void signIn(Page page, String email, String password) {
        page.navigate("/login");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(url -> !url.contains("/login"));
    }

    /** Saves a full-page screenshot as target/screenshots/NAME.png. */
    static Path screenshot(Page page, String name) throws java.io.IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    /** Fails when axe-core finds a serious or critical violation on the page as it is now. */
    static void assertAccessible(Page page, String where) {
        AxeResults results = new AxeBuilder(page).analyze();
        List<Rule> bad = results.getViolations().stream()
                .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact())).toList();
        assertThat(bad).as(where + ": " + bad.stream()
                .map(v -> v.getId() + " (" + v.getImpact() + "): " + v.getHelp() + " at "
                        + v.getNodes().stream().map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "))).isEmpty();
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
