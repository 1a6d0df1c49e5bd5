package dev.hoop.common.grpc;

import dev.hoop.common.dsn.AgentDsn;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the gateway's gRPC port is and whether it speaks TLS: {@code grpcs://} and {@code https://}
 * mean TLS, {@code grpc://} and {@code http://} plaintext (the scheme rules of the agent's DSN and of
 * the CLI's {@code grpc_url}).
 *
 * @param scheme the scheme as given (lower case), kept for error messages
 */
public record GatewayTarget(String scheme, String host, int port, boolean tls) {
    public GatewayTarget {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected: 1 to 65535)");
        }
    }

    /** The target of an agent key. */
    public static GatewayTarget of(AgentDsn dsn) {
        return new GatewayTarget(dsn.scheme(), dsn.host(), dsn.port(), dsn.tls());
    }

    /**
     * Parses {@code grpc[s]://HOST[:PORT]} or {@code http[s]://HOST[:PORT]}; a missing port is
     * 8010 for plaintext and 443 for TLS, as for agent keys.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static GatewayTarget parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty gRPC URL (expected: grpcs://HOST:PORT or grpc://HOST:PORT)");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a valid URL at index " + e.getIndex()
                    + " (expected: grpcs://HOST:PORT or grpc://HOST:PORT)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "grpcs", "https" -> true;
            case "grpc", "http" -> false;
            default -> throw new IllegalArgumentException("gRPC URL scheme '" + scheme + "' in '" + url
                    + "' is not supported (expected: grpcs or https for TLS, grpc or http for plaintext)");
        };
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("gRPC URL '" + url + "' has no host (expected: " + scheme + "://HOST:PORT)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() > 0 ? uri.getPort()
                : tls ? AgentDsn.DEFAULT_TLS_PORT : AgentDsn.DEFAULT_PLAINTEXT_PORT;
        return new GatewayTarget(scheme, host, port, tls);
    }

    /** host:port with IPv6 literals bracketed. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * True for {@code localhost} and loopback IP literals. Decided from the text alone: a DNS
     * answer must not be able to turn a remote host into a "loopback" one.
     */
    public boolean loopback() {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.")
                && h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    @Override
    public String toString() {
        return scheme + "://" + authority();
    }
}
