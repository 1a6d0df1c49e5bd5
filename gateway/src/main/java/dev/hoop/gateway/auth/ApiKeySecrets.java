package dev.hoop.gateway.auth;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * API key secrets: {@code xapi-} + 32 random bytes (base64url), shown once at creation; the store
 * keeps the hex SHA-256 ({@link AgentKeys#hash}). The prefix tells the authenticator which kind of
 * credential it holds without a lookup.
 */
public final class ApiKeySecrets {
    public static final String PREFIX = "xapi-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {}

    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }
}
