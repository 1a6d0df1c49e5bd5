package dev.hoop.common.grpc;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a channel to the gateway is secured, beyond the URL's scheme. Read once from the environment:
 * <ul>
 *   <li>{@code HOOP_TLSCA}: CA certificate(s) to trust instead of the system's, as a file path, PEM text
 *       or base64 of the PEM (default: the JVM's trusted roots);</li>
 *   <li>{@code TLS_SERVER_NAME}: the name the gateway's certificate is verified against (default: the host);</li>
 *   <li>{@code HOOP_ALLOW_PLAINTEXT}: {@code true} allows plaintext to a non-loopback host (default false).</li>
 * </ul>
 *
 * @param caPem          PEM certificates to trust, or null for the system roots
 * @param serverName     TLS name override, or null
 * @param allowPlaintext whether plaintext to a non-loopback host is allowed
 */
public record ChannelSettings(byte[] caPem, String serverName, boolean allowPlaintext) {
    public static final String TLS_CA = "HOOP_TLSCA";
    public static final String TLS_SERVER_NAME = "TLS_SERVER_NAME";
    public static final String ALLOW_PLAINTEXT = "HOOP_ALLOW_PLAINTEXT";

    /** System trust roots, no override, plaintext to loopback only. */
    public static ChannelSettings defaults() {
        return new ChannelSettings(null, null, false);
    }

    /** @throws ConfigException naming the variable and what was expected */
    public static ChannelSettings fromEnv(Env env) {
        String ca = env.raw(TLS_CA);
        return new ChannelSettings(ca == null ? null : readCa(ca), env.raw(TLS_SERVER_NAME), env.bool(ALLOW_PLAINTEXT, false));
    }

    /** A file path, PEM text or base64 PEM. */
    static byte[] readCa(String value) {
        String v = value.trim();
        if (!v.startsWith("-----BEGIN") && !v.contains("\n") && looksLikePath(v)) {
            Path path = Path.of(v);
            if (!Files.isReadable(path)) {
                throw new ConfigException(TLS_CA + ": file '" + v + "' is not readable (expected: a PEM CA file, PEM text or base64 PEM)");
            }
            try {
                v = Files.readString(path);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + TLS_CA + " file " + v, e);
            }
            if (!v.contains("-----BEGIN CERTIFICATE")) {
                throw new ConfigException(TLS_CA + ": file '" + value.trim() + "' holds no PEM CERTIFICATE block");
            }
        }
        try {
            return TlsMaterial.decodePem(v, "CERTIFICATE");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TLS_CA + ": " + e.getMessage() + " (or a path to a PEM file)");
        }
    }

    private static boolean looksLikePath(String v) {
        return v.startsWith("/") || v.startsWith("./") || v.startsWith("../") || v.startsWith("~") || v.endsWith(".pem") || v.endsWith(".crt");
    }

    @Override
    public String toString() {
        return "ChannelSettings[ca=" + (caPem == null ? "system" : caPem.length + " bytes") + ", serverName="
                + serverName + ", allowPlaintext=" + allowPlaintext + "]";
    }
}
