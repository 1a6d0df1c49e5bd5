package dev.hoop.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Agent secrets: {@code xagt-} + 32 random bytes (base64url), shown once in the DSN; the store
 * keeps only {@link #hash} (hex SHA-256 of the whole secret, prefix included).
 */
public final class AgentKeys {
    public static final String PREFIX = "xagt-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentKeys() {}

    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
