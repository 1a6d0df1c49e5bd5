package dev.hoop.common.dsn;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The key an agent authenticates with: {@code grpc[s]://NAME:xagt-SECRET@HOST:PORT?mode=standard}.
 * {@code grpcs://} and {@code https://} mean TLS; {@code grpc://} and {@code http://} plaintext.
 * {@link #toString()} never shows the secret.
 */
public record AgentDsn(String scheme, String name, String secret, String host, int port, String mode) {
    public static final String SECRET_PREFIX = "xagt-";
    public static final int DEFAULT_PLAINTEXT_PORT = 8010;
    public static final int DEFAULT_TLS_PORT = 443;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,127}");

    public AgentDsn {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
    }

    /** True when the gateway must be reached over TLS. */
    public boolean tls() {
        return scheme.equals("grpcs") || scheme.equals("https");
    }

    /** host:port, the gRPC target. */
    public String target() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The full DSN, secret included: print it once, to the one who created the key. */
    public String format() {
        return scheme + "://" + name + ":" + secret + "@" + target() + "?mode=" + mode;
    }

    @Override
    public String toString() {
        return scheme + "://" + name + ":" + SECRET_PREFIX + "****@" + target() + "?mode=" + mode;
    }

    /**
     * Parses a DSN; every rejection names the part that is wrong and what was expected.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static AgentDsn parse(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            throw new IllegalArgumentException("empty key (expected: grpcs://NAME:xagt-SECRET@HOST:PORT, as printed by 'hoop admin create agent')");
        }
        URI uri;
        try {
            uri = new URI(dsn.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("key is not a valid URL at index " + e.getIndex()
                    + " (expected: grpcs://NAME:xagt-SECRET@HOST:PORT)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("grpc") || scheme.equals("grpcs") || scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("key scheme '" + scheme + "' is not supported (expected: grpc, grpcs, http or https)");
        }
        // Read user info and host from the raw authority: java.net.URI drops both when the host is empty.
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("key has no NAME:SECRET before '@' (expected: " + scheme + "://NAME:xagt-SECRET@HOST:PORT)");
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            // One part only: most likely the secret without its NAME, so it is not echoed (found by AgentDsnFuzzTest).
            throw new IllegalArgumentException("key has no ':' between NAME and SECRET (expected: " + scheme + "://NAME:xagt-SECRET@HOST:PORT)");
        }
        String name = userInfo.substring(0, colon);
        String secret = userInfo.substring(colon + 1);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name '" + name + "' is invalid (expected: letters, digits, '_', '-', '.', ':', at most 128)");
        }
        if (!secret.startsWith(SECRET_PREFIX) || secret.length() < SECRET_PREFIX.length() + 16) {
            throw new IllegalArgumentException("key secret is malformed (expected: 'xagt-' followed by the secret printed by 'hoop admin create agent')");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            String hostPort = authority.substring(at + 1);
            throw new IllegalArgumentException(hostPort.isEmpty() || hostPort.startsWith(":")
                    ? "key has no host (expected: " + scheme + "://NAME:xagt-SECRET@HOST:PORT)"
                    : "key host '" + hostPort + "' is invalid (expected: a host name or IP address, then an optional :PORT)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean tls = scheme.equals("grpcs") || scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? DEFAULT_TLS_PORT : DEFAULT_PLAINTEXT_PORT;
        String mode = "standard";
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.startsWith("mode=")) {
                    mode = pair.substring("mode=".length());
                }
            }
        }
        return new AgentDsn(scheme, name, secret, host, port, mode);
    }
}
