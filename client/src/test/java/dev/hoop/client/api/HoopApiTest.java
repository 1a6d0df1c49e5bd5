package dev.hoop.client.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.hoop.client.FakeGateway;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HoopApiTest {
    @Test
    void sendsTheBearerTokenAndJsonBody() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            HoopApi api = new HoopApi(gw.url(), FakeGateway.ADMIN_TOKEN, null);
            api.post("/api/agents", Map.of("name", "a1", "mode", "standard"));

            FakeGateway.Request sent = gw.requests().get(0);
            assertThat(sent.method()).isEqualTo("POST");
            assertThat(sent.path()).isEqualTo("/api/agents");
            assertThat(sent.authorization()).isEqualTo("Bearer " + FakeGateway.ADMIN_TOKEN);
            assertThat(sent.body().get("name").asText()).isEqualTo("a1");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "" + FakeGateway.USER_TOKEN + "|403|admin only",
        "wrong-token|401|invalid or missing token (HTTP 401; log in with 'hoop login')",
    })
    void errorsCarryTheServersMessage(String token, int status, String message) throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            HoopApi api = new HoopApi(gw.url(), token, null);
            assertThatThrownBy(() -> api.get("/api/agents"))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(status))
                    .hasMessage(message);
        }
    }

    @Test
    void theLoginHintIsNotRepeatedWhenTheServerAlreadyGivesIt() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"message\":\"invalid token; sign in with 'hoop login'\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            HoopApi api = new HoopApi("http://127.0.0.1:" + server.getAddress().getPort(), "t", null);
            assertThatThrownBy(() -> api.get("/api/agents")).hasMessage("invalid token; sign in with 'hoop login'");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRefusedConnectionNamesTheUrlAndTheFix() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HoopApi api = new HoopApi("http://127.0.0.1:" + port, (String) null, null);
        assertThatThrownBy(() -> api.get("/api/userinfo"))
                .isInstanceOf(GatewayUnreachableException.class)
                .hasMessage("cannot reach the gateway at http://127.0.0.1:" + port + "/: connection refused. Is it running? "
                        + "Set its address with 'hoop config create --api-url URL' (or HOOP_APIURL)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://x|api_url: 'ftp://x' (expected an http:// or https:// URL, e.g. http://127.0.0.1:8009)",
        "127.0.0.1:8009|api_url: '127.0.0.1:8009' is not a URL (expected e.g. http://127.0.0.1:8009)",
        "http://bad host|api_url: 'http://bad host' is not a URL (expected e.g. http://127.0.0.1:8009)",
    })
    void aBadApiUrlIsRejectedByValue(String url, String message) {
        assertThatThrownBy(() -> new HoopApi(url, (String) null, null)).hasMessage(message);
    }

    @Test
    void segmentsAreEncoded() {
        assertThat(HoopApi.segment("a b/c@d")).isEqualTo("a%20b%2Fc@d");
    }

    @Test
    void httpsWithThePrivateCaWorksAndWithoutItFailsWithTheTlsHint() throws Exception {
        TlsMaterial tls = SelfSignedCertificate.generate("localhost", "127.0.0.1");
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
        server.createContext("/api/publicserverinfo", ex -> {
            byte[] body = "{\"auth_method\":\"local\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            String ca = new String(tls.caPem(), StandardCharsets.US_ASCII);
            assertThat(new HoopApi(url, (String) null, ca).get("/api/publicserverinfo").get("auth_method").asText()).isEqualTo("local");
            assertThatThrownBy(() -> new HoopApi(url, (String) null, null).get("/api/publicserverinfo"))
                    .isInstanceOf(GatewayUnreachableException.class)
                    .hasMessageStartingWith("cannot reach the gateway at " + url + "/: TLS failed (")
                    .hasMessageContaining("with a private CA set it with 'hoop config create --tls-ca FILE'");
        } finally {
            server.stop(0);
        }
    }

    private static SSLContext serverContext(TlsMaterial tls) throws Exception {
        String keyPem = new String(tls.keyPem(), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyPem)));
        Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(tls.certPem()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("gw", key, "x".toCharArray(), new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }
}
