package dev.hoop.gateway.webhook;

import dev.hoop.common.Causes;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One bounded HTTP POST, shared by the direct and the Svix senders: the whole attempt (connect,
 * answer, the little of the body that is read) fits in {@code timeout}; redirects are not followed
 * (a receiver cannot bounce the gateway to another address); of the answer's body at most
 * {@value #BODY_PREVIEW} bytes are read, and only for an error message, then the connection is dropped.
 */
final class HttpDelivery implements AutoCloseable {
    static final int BODY_PREVIEW = 256;
    private final HttpClient client;
    private final Duration timeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("webhook-timer").factory());

    HttpDelivery(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** The status and, for a non-2xx answer, the start of its body (null when none came back: then {@code error}). */
    record Answer(Integer status, String bodyPreview, String error) {
        boolean ok() {
            return status != null && status / 100 == 2;
        }
    }

    Answer post(URI url, Map<String, String> headers, String body) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("content-type", "application/json")
                .header("user-agent", "hoop-webhooks")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<InputStream> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return new Answer(null, null, "no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Answer(null, null, "connection refused or unreachable: " + Causes.message(e));
        } catch (IOException e) {
            return new Answer(null, null, "HTTP failed: " + Causes.message(e));
        } catch (IllegalArgumentException e) {
            return new Answer(null, null, "request refused: " + e.getMessage());
        }
        int status = r.statusCode();
        // a 2xx is all a sender needs: close at once, whatever the body (a huge or endless one is never read)
        try (InputStream in = r.body()) {
            if (status / 100 == 2) {
                return new Answer(status, null, null);
            }
            long left = Math.max(1, deadline - System.nanoTime());
            ScheduledFuture<?> guard = timer.schedule(() -> closeQuietly(in), left, TimeUnit.NANOSECONDS);
            try {
                byte[] preview = in.readNBytes(BODY_PREVIEW);
                return new Answer(status, printable(new String(preview, StandardCharsets.UTF_8)), null);
            } finally {
                guard.cancel(false);
            }
        } catch (IOException e) {
            return new Answer(status, null, null);
        }
    }

    private static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "?").strip();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the attempt is over either way
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.shutdownNow();
    }
}
