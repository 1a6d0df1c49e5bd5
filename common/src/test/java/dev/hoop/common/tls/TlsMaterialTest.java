package dev.hoop.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TlsMaterialTest {
    @Test
    void generatedCertificateParsesAndCoversItsNames() throws Exception {
        TlsMaterial m = SelfSignedCertificate.generate("localhost", "127.0.0.1");
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(m.cert());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> String.valueOf(l.get(1))).containsExactly("localhost", "127.0.0.1");
        assertThat(new String(m.keyPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(m.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void decodesBase64PemAndRejectsOtherText() {
        TlsMaterial m = SelfSignedCertificate.generate("localhost");
        String b64 = Base64.getEncoder().encodeToString(m.certPem());
        assertThat(TlsMaterial.decodePem(b64, "CERTIFICATE")).isEqualTo(m.certPem());
        assertThatThrownBy(() -> TlsMaterial.decodePem("%%%", "CERTIFICATE")).hasMessage("not base64 (expected: base64 of a PEM CERTIFICATE)");
        assertThatThrownBy(() -> TlsMaterial.decodePem(Base64.getEncoder().encodeToString("hello".getBytes()), "CERTIFICATE"))
                .hasMessageStartingWith("decodes to no PEM CERTIFICATE block");
    }
}
