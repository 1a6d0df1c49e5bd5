package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the gateway stops accepting but lets a request that is in flight finish. */
class GracefulShutdownTest {
    @TempDir
    Path dataDir;

    @Test
    void inFlightRequestFinishesDuringShutdown() throws Exception {
        TestPostgres pg = TestPostgres.create();
        try {
            TestGateway gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", pg.uri())));
            int port = gw.server.apiPort();
            String body = "{\"email\":\"nobody@example.com\",\"password\":\"whatever-it-is\"}";
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/localauth/login HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
                out.flush();

                await(() -> gw.server.requestsInFlight() == 1, "the request to be in flight");
                CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
                // draining: new requests are refused while ours is still running (before that, a
                // 503 from the health check itself: the gRPC port closes first)
                String draining = "the gateway is shutting down, retry in a moment";
                await(() -> {
                    TestGateway.Answer a = gw.get("/api/healthz", null);
                    return a.status() == 503 && draining.equals(a.message());
                }, "new requests refused with 503 while draining");
                assertThat(closing).isNotDone();

                out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = readHead(s.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 401");
                closing.get(30, TimeUnit.SECONDS);
                awaitRefused(port);
            }
        } finally {
            pg.close();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after 10 s waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000); // poll interval
        }
    }

    private static void awaitRefused(int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (IOException refused) {
                return;
            }
            LockSupport.parkNanos(10_000_000); // poll interval
        }
        throw new AssertionError("the API port still accepted connections 10 s after close()");
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }
}
