package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.HttpBackend;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RouterMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A 500 MB chunked upload through a router whose heap is capped at 128 MB (and, by the JVM's
 * default, its direct memory too), running in a child JVM; the body is streamed from a reused
 * 1 MB buffer, never held in memory by the test.
 */
class LargeUploadTest {
    static final int MB = 1024 * 1024;
    static final int TOTAL_MB = 500;

    @Test
    void aFiveHundredMegabyteUploadPassesWithA128MegabyteHeap() throws Exception {
        Path dir = Files.createTempDirectory("router-upload");
        try (HttpBackend backend = new HttpBackend("U")) {
            Path routes = dir.resolve("routes.json");
            Files.writeString(routes, "{\"frontend:upload.test\": [\"upload\", \"" + backend.url() + "\"]}");
            Path config = dir.resolve("config.json");
            Files.writeString(config, "{\"server\": {\"accessLog\": null, \"workers\": 1, \"tcpTimeout\": 60},"
                    + "\"http\": {\"port\": 0, \"bind\": \"127.0.0.1\"}, \"user\": \"root\","
                    + "\"driver\": \"file:" + routes + "\"}");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process router = new ProcessBuilder(java, "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), RouterMain.class.getName(), "--config", config.toString())
                    .redirectErrorStream(true).start();
            try {
                int port = awaitPort(router);
                long start = System.nanoTime();
                try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
                    c.setTimeout(120_000);
                    c.send("POST /upload HTTP/1.1\r\nHost: upload.test\r\nTransfer-Encoding: chunked\r\n\r\n");
                    OutputStream out = c.output();
                    byte[] chunk = new byte[MB];
                    Arrays.fill(chunk, (byte) 'x');
                    byte[] size = (Integer.toHexString(MB) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < TOTAL_MB; i++) {
                        out.write(size);
                        out.write(chunk);
                        out.write('\r');
                        out.write('\n');
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    RawHttp.Response r = c.read(false);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("U POST " + (long) TOTAL_MB * MB);
                }
                System.out.printf("500 MB upload through the router (-Xmx128m): %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(router.isAlive()).isTrue();
            } finally {
                router.destroy();
                router.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads the child's log until it says where it listens (and keeps draining it after). */
    private static int awaitPort(Process router) throws Exception {
        Pattern listening = Pattern.compile("router listening on http \\[/127\\.0\\.0\\.1:(\\d+)]");
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(router.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                    if (line.contains("OutOfMemoryError")) {
                        System.err.println("child router: " + line);
                    }
                }
                port.completeExceptionally(new IllegalStateException("the router exited before listening"));
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
        });
        return port.get(30, TimeUnit.SECONDS);
    }
}
