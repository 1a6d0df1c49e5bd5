package dev.hoop.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's browser tests share one installation per class: the real gateway (and, by default,
 * an admin and an agent: {@link HoopStack#install}) plus Debian's Chromium. A class adds what it
 * needs in {@link #prepare}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {
    @TempDir
    static Path work;
    HoopStack stack;
    WebBrowser browser;

    @BeforeAll
    final void startStackAndBrowser() throws Exception {
        stack = new HoopStack(work);
        prepare();
        browser = new WebBrowser();
    }

    /** Brings the installation up and adds the class's connections and users. */
    void prepare() throws Exception {
        stack.install();
    }

    @AfterAll
    final void stopBrowserAndStack() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }
}
