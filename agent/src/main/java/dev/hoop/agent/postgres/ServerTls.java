package dev.hoop.agent.postgres;

import dev.hoop.common.tls.TlsMaterial;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * TLS between the agent and the database server, chosen by the connection's {@code SSLMODE}
 * (libpq's names) and, for verification, {@code SSLROOTCERT} (PEM, plain or base64; the JVM's
 * trusted CAs when absent).
 */
record ServerTls(Mode mode, SslContext context) {

    enum Mode {
        DISABLE("disable"), ALLOW("allow"), PREFER("prefer"), REQUIRE("require"), VERIFY_CA("verify-ca"), VERIFY_FULL("verify-full");

        final String text;

        Mode(String text) {
            this.text = text;
        }

        /** Whether the agent asks the server for TLS at all ({@code allow} only would after a refusal, which never happens here). */
        boolean asks() {
            return this == PREFER || this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
        }

        boolean requires() {
            return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
        }
    }

    static final ServerTls DISABLED = new ServerTls(Mode.DISABLE, null);

    /** @throws IllegalArgumentException naming SSLMODE or SSLROOTCERT when unusable */
    static ServerTls from(Map<String, String> envs) {
        String text = envs.getOrDefault("SSLMODE", "").strip().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            return DISABLED;
        }
        Mode mode = null;
        for (Mode m : Mode.values()) {
            if (m.text.equals(text)) {
                mode = m;
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("SSLMODE: '" + text
                    + "' (expected: disable, allow, prefer, require, verify-ca or verify-full)");
        }
        if (!mode.asks()) {
            return new ServerTls(mode, null);
        }
        String rootCert = envs.getOrDefault("SSLROOTCERT", "").strip();
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (mode == Mode.PREFER || mode == Mode.REQUIRE) {
                // libpq's require/prefer encrypt without checking who answers.
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            } else {
                if (!rootCert.isEmpty()) {
                    byte[] pem;
                    try {
                        pem = TlsMaterial.decodePem(rootCert, "CERTIFICATE");
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("SSLROOTCERT: " + e.getMessage());
                    }
                    builder.trustManager(new ByteArrayInputStream(pem));
                }
                builder.endpointIdentificationAlgorithm(mode == Mode.VERIFY_FULL ? "HTTPS" : null);
            }
            return new ServerTls(mode, builder.build());
        } catch (SSLException | IllegalStateException e) {
            throw new IllegalArgumentException("SSLROOTCERT: unusable (" + e.getMessage() + ")");
        }
    }
}
