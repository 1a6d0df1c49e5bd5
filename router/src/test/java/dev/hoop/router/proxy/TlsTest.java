package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.router.HttpBackend;
import dev.hoop.router.Router;
import dev.hoop.router.config.ConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An https listener with a default certificate plus two SNI certificates, on the embedded store. */
class TlsTest {
    static Path dir;
    static Router router;
    static HttpBackend backend;
    static SSLContext trustAll;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("router-tls");
        Path sni = Files.createDirectories(dir.resolve("sni"));
        write(sni, "alpha.test", SelfSignedCertificate.generate("alpha.test"));
        write(sni, "beta.test", SelfSignedCertificate.generate("beta.test"));
        write(dir, "default", SelfSignedCertificate.generate("default.test", "127.0.0.1"));
        backend = new HttpBackend("T");
        Path routes = dir.resolve("routes.json");
        Files.writeString(routes, "{\"frontend:127.0.0.1\": [\"tls-app\", \"" + backend.url() + "\"]}");
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"server\": {\"accessLog\": null, \"workers\": 1, \"sniDir\": \"" + sni + "\"},"
                + "\"http\": {\"bind\": []},"
                + "\"https\": {\"port\": 0, \"bind\": [\"127.0.0.1\"], \"key\": \"" + dir.resolve("default.key")
                + "\", \"cert\": \"" + dir.resolve("default.crt") + "\"},"
                + "\"driver\": \"file:" + routes + "\"}");
        router = Router.start(ConfigLoader.load(config, false));
        trustAll = trustAll();
    }

    /** A fresh context per connection: a shared one would resume the previous session and its certificate. */
    static SSLContext trustAll() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return trustAll;
    }

    static void write(Path dir, String name, TlsMaterial m) throws IOException {
        Files.write(dir.resolve(name + ".crt"), m.certPem());
        Files.write(dir.resolve(name + ".key"), m.keyPem());
    }

    @AfterAll
    static void stop() {
        router.close();
        backend.close();
    }

    @ParameterizedTest(name = "SNI {0} -> {1}")
    @CsvSource({"alpha.test,CN=alpha.test", "beta.test,CN=beta.test", "other.test,CN=default.test"})
    void eachHostNameGetsItsCertificate(String name, String subject) throws Exception {
        InetSocketAddress at = router.httpsAddresses().getFirst();
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(name)));
            p.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo(subject);
        }
    }

    @Test
    void http2ViaAlpnReachesTheBackend() throws Exception {
        InetSocketAddress at = router.httpsAddresses().getFirst();
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll).version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + at.getPort() + "/x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("T GET 0");
        assertThat(r.headers().firstValue("x-seen-x-forwarded-proto")).contains("https");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + at.getPort() + "/p"))
                .POST(HttpRequest.BodyPublishers.ofString("twelve bytes")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.body()).isEqualTo("T POST 12");
        // Both exchanges finished (a GET arrives as one HEADERS frame with END_STREAM) and were counted.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (router.metrics().requests(200) < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // counted just after the last frame is flushed, on the event loop
        }
        assertThat(router.metrics().requests(200)).isGreaterThanOrEqualTo(2);
    }
}
