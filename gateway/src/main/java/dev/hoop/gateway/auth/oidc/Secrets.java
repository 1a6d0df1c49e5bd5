package dev.hoop.gateway.auth.oidc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Comparisons and fingerprints of secrets that leak neither timing nor the secret itself. */
final class Secrets {
    private Secrets() {
    }

    /** Constant-time equality (for states, nonces); null equals nothing. */
    static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of a token in hex: the cache key of a token, never the token itself. */
    static String sha256Hex(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A short fingerprint for log lines, so that two lines about the same token can be matched. */
    static String fingerprint(String secret) {
        return sha256Hex(secret).substring(0, 12);
    }
}
