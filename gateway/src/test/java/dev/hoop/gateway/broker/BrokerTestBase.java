package dev.hoop.gateway.broker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test against a fresh {@link BrokerHarness} per test method, closed after it. A subclass's own
 * {@code @BeforeEach} runs after the harness started and its {@code @AfterEach} before it closes.
 */
abstract class BrokerTestBase {
    @TempDir
    Path auditDir;
    BrokerHarness h;

    @BeforeEach
    void startHarness() throws Exception {
        h = new BrokerHarness(auditDir);
    }

    @AfterEach
    void closeHarness() throws Exception {
        h.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
