package dev.hoop.client.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.client.tls.TlsCa;
import dev.hoop.common.net.DialFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * A small client of the gateway's REST API ({@code /api/*}, JSON, errors as {@code {"message": ...}}).
 * Every failure becomes an {@link ApiException} carrying the server's message, or a
 * {@link GatewayUnreachableException} that names the URL and how to change it.
 */
public final class HoopApi {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final BearerToken token;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public HoopApi(String apiUrl, String token, String tlsCaPem) {
        this(apiUrl, BearerToken.fixed(token), tlsCaPem);
    }

    /** A client whose token is renewed once per call when the gateway answers 401 (see {@link BearerToken}). */
    public HoopApi(String apiUrl, BearerToken token, String tlsCaPem) {
        this.base = baseUri(apiUrl);
        this.token = java.util.Objects.requireNonNull(token, "token");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (tlsCaPem != null) {
            builder.sslContext(TlsCa.sslContext(tlsCaPem));
        }
        this.http = builder.build();
    }

    public String baseUrl() {
        return base.toString();
    }

    public ObjectMapper json() {
        return json;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * A path segment with reserved characters percent-encoded ({@code a b} → {@code a%20b}); {@code @}
     * stays as is (allowed in a segment by RFC 3986), so {@code /api/users/bob@example.com} reads as typed.
     */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    private JsonNode send(String method, String path, Object body) {
        String bearer = token.value();
        HttpResponse<String> response = attempt(method, path, body, bearer);
        if (response.statusCode() == 401 && bearer != null) {
            String renewed = token.renew(bearer);
            if (renewed != null) {
                response = attempt(method, path, body, renewed);
            }
            String refused = response.statusCode() == 401 ? token.refused(serverMessage(response.body())) : null;
            if (refused != null) {
                throw new ApiException(401, refused);
            }
        }
        return answer(method, path, response);
    }

    private HttpResponse<String> attempt(String method, String path, Object body, String bearer) {
        URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("User-Agent", "hoop-cli");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayUnreachableException("interrupted while calling " + uri, e);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * A GET answered with Server-Sent Events: calls {@code onEvent} with each event's name and data
     * (its {@code data:} lines joined) as it arrives, until the gateway ends the stream. No overall
     * timeout: a followed session may run for hours.
     *
     * @throws ApiException when the gateway answers with an error instead of a stream
     */
    public void events(String path, java.util.function.BiConsumer<String, String> onEvent) {
        URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                // HTTP/1.1: an h2c upgrade of a long-lived answer did not deliver Helidon's stream (see e2e HoopStack)
                .version(HttpClient.Version.HTTP_1_1)
                .header("Accept", "text/event-stream")
                .header("User-Agent", "hoop-cli");
        String bearer = token.value();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayUnreachableException("interrupted while calling " + uri, e);
        } catch (IOException e) {
            throw unreachable(e);
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            String refused = response.statusCode() == 401 && bearer != null
                    ? token.refused(serverMessage(String.join("\n", lines.toList()))) : null;
            if (refused != null) {
                throw new ApiException(401, refused);
            }
            if (response.statusCode() != 200) {
                answer("GET", path, response.statusCode(), String.join("\n", lines.toList()));
                return;
            }
            String[] event = {"message"};
            StringBuilder data = new StringBuilder();
            lines.forEachOrdered(line -> {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        onEvent.accept(event[0], data.toString());
                    }
                    event[0] = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
                // comments (": keep-alive") and ids are not needed here
            });
        } catch (java.io.UncheckedIOException e) {
            throw unreachable(e.getCause());
        }
    }

    private JsonNode answer(String method, String path, HttpResponse<String> response) {
        return answer(method, path, response.statusCode(), response.body() == null ? "" : response.body());
    }

    private JsonNode answer(String method, String path, int status, String text) {
        JsonNode node = parse(text);
        if (status >= 200 && status < 300) {
            if (node == null && !text.isBlank()) {
                throw new ApiException(status, method + " " + path + ": the gateway at " + base
                        + " answered " + status + " with a body that is not JSON (is this URL the hoop gateway's API?)");
            }
            return node;
        }
        String message = node != null && node.hasNonNull("message") ? node.get("message").asText() : null;
        if (message == null || message.isBlank()) {
            message = method + " " + path + " failed with HTTP " + status + (text.isBlank() ? "" : ": " + abbreviate(text));
        }
        if (status == 401 && !message.contains("hoop login")) {
            message += " (HTTP 401; log in with 'hoop login')";
        }
        if (status == 404 && path.startsWith("/api/connections/")) {
            message += "; list the connections with 'hoop admin get connections'";
        }
        throw new ApiException(status, message);
    }

    private GatewayUnreachableException unreachable(IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof SSLException) {
            why = "TLS failed (" + e.getMessage() + "); with a private CA set it with 'hoop config create --tls-ca FILE'";
        } else {
            why = DialFailure.reason(e, base.getHost())
                    .orElseGet(() -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return new GatewayUnreachableException("cannot reach the gateway at " + base + ": " + why + ". Is it running? Set its address with 'hoop config create --api-url URL' (or HOOP_APIURL)", e);
    }

    private String serverMessage(String body) {
        JsonNode node = body == null ? null : parse(body);
        return node != null && node.hasNonNull("message") ? node.get("message").asText() : null;
    }

    private JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the request as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    /** Throws a message naming the value when {@code apiUrl} is not an http(s) URL with a host. */
    public static void validateUrl(String apiUrl) {
        baseUri(apiUrl);
    }

    private static URI baseUri(String apiUrl) {
        URI uri;
        try {
            uri = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api_url: '" + apiUrl + "' is not a URL (expected e.g. http://127.0.0.1:8009)", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("api_url: '" + apiUrl + "' (expected an http:// or https:// URL, e.g. http://127.0.0.1:8009)");
        }
        return uri;
    }
}
