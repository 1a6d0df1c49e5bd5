package dev.hoop.router.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines reach the file off the caller's thread; reopen() (SIGUSR1) starts a new file after rotation. */
class AccessLogTest {
    @TempDir
    Path dir;

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static boolean contains(Path file, String line) {
        try {
            return Files.exists(file) && Files.readAllLines(file).contains(line);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void reopenAfterRotationWritesToTheNewFile() throws Exception {
        Path file = dir.resolve("logs/access.log");
        try (AccessLog log = AccessLog.open(file.toString())) {
            log.log("first");
            await(() -> contains(file, "first"));
            Path rotated = dir.resolve("logs/access.log.1");
            Files.move(file, rotated);
            log.reopen();
            await(() -> Files.exists(file));
            log.log("second");
            await(() -> contains(file, "second"));
            assertThat(Files.readAllLines(rotated)).containsExactly("first");
            assertThat(Files.readAllLines(file)).containsExactly("second");
        }
    }

    @Test
    void anEntryIsFormattedInHipachesLineFormat() {
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        try {
            AccessLog.Entry e = new AccessLog.Entry(new java.net.InetSocketAddress("127.0.0.1", 40000),
                    1_795_241_400_000L, "GET", "/logged?x=1", io.netty.handler.codec.http.HttpVersion.HTTP_1_1, 200, 7,
                    "http://ref/", "curl/8", "mysite", 0.0042, 0.0019);
            assertThat(e.format()).isEqualTo("127.0.0.1 - - [21/Nov/2026:06:10:00 +0000] \"GET /logged?x=1 HTTP/1.1\" 200 7"
                    + " \"http://ref/\" \"curl/8\" \"mysite\" 0.004 0.002");
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    @Test
    void aNullPathDisablesTheLog() throws Exception {
        try (AccessLog log = AccessLog.open(null)) {
            assertThat(log.enabled()).isFalse();
            log.log("dropped");
        }
    }
}
