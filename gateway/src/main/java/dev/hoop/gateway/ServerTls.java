package dev.hoop.gateway;

import dev.hoop.common.tls.TlsMaterial;
import io.helidon.common.tls.Tls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The server side of TLS_KEY / TLS_CERT / TLS_CA, parsed once for both ports: the key may be PKCS#8,
 * PKCS#1 (RSA) or SEC1 (EC) PEM; the CA, when given, is appended to the served chain unless
 * already there, so clients that trust the CA can verify the chain.
 */
final class ServerTls {
    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private ServerTls(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = chain;
    }

    static ServerTls from(TlsMaterial m) {
        List<X509Certificate> chain = certificates(m.certPem(), "TLS_CERT");
        if (m.caPem() != null) {
            for (X509Certificate ca : certificates(m.caPem(), "TLS_CA")) {
                if (!chain.contains(ca)) {
                    chain.add(ca);
                }
            }
        }
        return new ServerTls(privateKey(m.keyPem()), List.copyOf(chain));
    }

    /** For gRPC (grpc-netty). */
    KeyManager[] keyManagers() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("hoop", key, pw, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("TLS_KEY/TLS_CERT: the key does not fit the certificate (" + e.getMessage() + ")", e);
        }
    }

    /** For Helidon (8009): HTTP/1.1 and h2 by ALPN. */
    Tls helidon() {
        return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
    }

    private static List<X509Certificate> certificates(byte[] pem, String variable) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(variable + ": no certificate in the PEM (expected: base64 of a PEM CERTIFICATE)");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(variable + ": not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(byte[] pem) {
        try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IllegalArgumentException("TLS_KEY: no unencrypted private key in the PEM (expected: base64 of a PEM PRIVATE KEY, "
                    + "RSA PRIVATE KEY or EC PRIVATE KEY)");
        } catch (IOException e) {
            throw new IllegalArgumentException("TLS_KEY: not a readable PEM private key (" + e.getMessage() + ")", e);
        }
    }
}
