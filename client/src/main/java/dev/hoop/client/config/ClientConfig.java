package dev.hoop.client.config;

/**
 * The CLI's settings, as stored in {@code ~/.hoop/config.toml} or overridden by the environment.
 * {@link #toString()} masks the token: it must never reach a log or a terminal in full.
 *
 * @param apiUrl  the gateway's REST base URL, e.g. {@code http://127.0.0.1:8009}
 * @param grpcUrl the gateway's gRPC URL, e.g. {@code grpc://127.0.0.1:8010} ({@code grpcs://} means TLS)
 * @param token   the access token saved by {@code hoop login}, or null
 * @param tlsCa   a PEM certificate authority to trust for the gateway, or null
 * @param refreshToken the refresh token of the login ({@code xref-…}), which renews {@code token}, or null
 * @param expiresAt    when {@code token} expires (as the gateway said at login), or null when unknown
 */
public record ClientConfig(String apiUrl, String grpcUrl, String token, String tlsCa, String refreshToken, java.time.Instant expiresAt) {
    /** Where a local gateway listens when nothing is configured. */
    public static final String DEFAULT_API_URL = "http://127.0.0.1:8009";
    public static final String DEFAULT_GRPC_URL = "grpc://127.0.0.1:8010";

    /** Settings without a refresh token (an API key, a token from HOOP_TOKEN, a configuration without login). */
    public ClientConfig(String apiUrl, String grpcUrl, String token, String tlsCa) {
        this(apiUrl, grpcUrl, token, tlsCa, null, null);
    }

    public static ClientConfig empty() {
        return new ClientConfig(null, null, null, null);
    }

    /** A new access token (and its refresh token and expiry, either may be null); the addresses stay. */
    public ClientConfig withTokens(String newToken, String newRefreshToken, java.time.Instant newExpiresAt) {
        return new ClientConfig(apiUrl, grpcUrl, newToken, tlsCa, newRefreshToken, newExpiresAt);
    }

    /** The API URL to use: the configured one or the local default. */
    public String effectiveApiUrl() {
        return apiUrl == null ? DEFAULT_API_URL : apiUrl;
    }

    /** The token shortened to its first characters, for display. */
    public static String mask(String secret) {
        if (secret == null) {
            return null;
        }
        return secret.length() <= 8 ? "****" : secret.substring(0, 4) + "****" + " (" + secret.length() + " chars)";
    }

    @Override
    public String toString() {
        return "ClientConfig[apiUrl=" + apiUrl + ", grpcUrl=" + grpcUrl + ", token=" + mask(token)
                + ", tlsCa=" + (tlsCa == null ? null : "<pem>") + ", refreshToken=" + mask(refreshToken) + ", expiresAt=" + expiresAt + "]";
    }
}
