package dev.hoop.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A certificate authority given as PEM text or as the path of a PEM file, turned into an {@link SSLContext}. */
public final class TlsCa {
    private TlsCa() {}

    /** The PEM text of {@code value}: the value itself when it is PEM, else the content of the file it names. */
    public static String pemFromValue(String what, String value) {
        if (value.contains("-----BEGIN")) {
            return value;
        }
        Path path = Path.of(value);
        try {
            String pem = Files.readString(path, StandardCharsets.US_ASCII);
            if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException(what + ": " + path + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
            }
            return pem;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read '" + value + "' (expected PEM text or the path of a PEM file): " + e.getMessage(), e);
        }
    }

    /** An SSL context trusting only the certificates in {@code pem}. */
    public static SSLContext sslContext(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tls_ca: no certificate in the PEM text");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls_ca: not a usable PEM certificate: " + e.getMessage(), e);
        }
    }
}
