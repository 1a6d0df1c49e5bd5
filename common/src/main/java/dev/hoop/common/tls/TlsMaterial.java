package dev.hoop.common.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * PEM key, certificate chain and optional CA, as the gateway reads them from TLS_KEY / TLS_CERT /
 * TLS_CA (base64 of the PEM text, as the seed says). {@link #toString()} never shows the key.
 */
public record TlsMaterial(byte[] keyPem, byte[] certPem, byte[] caPem) {

    public ByteArrayInputStream key() {
        return new ByteArrayInputStream(keyPem);
    }

    public ByteArrayInputStream cert() {
        return new ByteArrayInputStream(certPem);
    }

    public ByteArrayInputStream ca() {
        return caPem == null ? null : new ByteArrayInputStream(caPem);
    }

    /**
     * Decodes a base64 PEM value; plain PEM text is accepted too, since people paste it as is.
     *
     * @throws IllegalArgumentException when the value is neither
     */
    public static byte[] decodePem(String value, String expectedBlock) {
        String trimmed = value.trim();
        if (trimmed.startsWith("-----BEGIN")) {
            return trimmed.getBytes(StandardCharsets.US_ASCII);
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(trimmed.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64 (expected: base64 of a PEM " + expectedBlock + ")");
        }
        String text = new String(decoded, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN") || !text.contains(expectedBlock)) {
            throw new IllegalArgumentException("decodes to no PEM " + expectedBlock + " block (expected: base64 of a PEM " + expectedBlock + ")");
        }
        return decoded;
    }

    @Override
    public String toString() {
        return "TlsMaterial[cert=" + certPem.length + " bytes, key=****, ca=" + (caPem == null ? "none" : caPem.length + " bytes") + "]";
    }
}
