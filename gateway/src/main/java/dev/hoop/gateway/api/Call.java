package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.UUID;

/** One API call as handlers see it: the path parameters, the JSON body and who is calling. */
public final class Call {
    /**
     * API bodies are small JSON documents: at most this much is read, whatever the framing (a
     * Content-Length over it is refused by the server before reading; a chunked body is counted
     * as it arrives).
     */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    static final String TOO_LARGE = "the request body is larger than " + MAX_BODY_BYTES + " bytes (send at most 1 MiB of JSON)";
    private final ServerRequest request;
    private final Principal principal;
    private final UUID defaultOrg;

    Call(ServerRequest request, Principal principal, UUID defaultOrg) {
        this.request = request;
        this.principal = principal;
        this.defaultOrg = defaultOrg;
    }

    /** The signed-in user; only on USER and ADMIN routes. */
    Principal principal() {
        if (principal == null) {
            throw new IllegalStateException("no principal on a public route");
        }
        return principal;
    }

    /** The caller's org, or the default org on public routes. */
    UUID orgId() {
        return principal == null ? defaultOrg : principal.user().orgId();
    }

    /** A query parameter, or null when absent or blank. */
    String query(String name) {
        return request.query().first(name).filter(v -> !v.isBlank()).orElse(null);
    }

    /** The client's IP address (for the login rate limit). */
    String remoteAddress() {
        return request.remotePeer().host();
    }

    /** The client's IP address as an address (null when the transport has none, e.g. a Unix socket). */
    java.net.InetAddress remoteInetAddress() {
        return request.remotePeer().address() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
    }

    /** A request header's first value, or null. */
    String header(String name) {
        return request.headers().first(HeaderNames.create(name)).orElse(null);
    }

    String param(String name) {
        return request.path().pathParameters().get(name);
    }

    <T> T body(Class<T> type, String expected) {
        request.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(Call::requireJson);
        byte[] bytes = request.content().hasEntity() ? readBounded() : null;
        return Json.read(bytes, type, expected);
    }

    /** A body that announces another type is refused rather than guessed at; no type at all is taken as JSON. */
    private static void requireJson(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.endsWith("+json")) {
            throw new ApiException(415, "unsupported Content-Type '" + media + "' (expected: application/json)");
        }
    }

    private static ApiException framing(int status) {
        return status == 413 ? new ApiException(413, TOO_LARGE) : ApiException.badRequest("unreadable request body (HTTP " + status + ")");
    }

    private byte[] readBounded() {
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(413, TOO_LARGE);
            }
            return bytes;
        } catch (RequestException e) {
            // the server's own framing checks (its payload limit, a broken chunk): client input, not our failure
            throw framing(e.status().code());
        } catch (HttpException e) {
            throw framing(e.status().code());
        } catch (IllegalArgumentException e) {
            // Helidon 4.5 parses a chunk size with Integer.parseUnsignedInt and lets its exception through
            throw ApiException.badRequest("unreadable request body: invalid chunked encoding");
        } catch (IOException | UncheckedIOException e) {
            throw ApiException.badRequest("unreadable request body: " + e.getMessage());
        }
    }
}
