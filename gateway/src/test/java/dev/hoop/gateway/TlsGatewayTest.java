package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.common.wire.Wire;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS on both ports from TLS_KEY/TLS_CERT/TLS_CA with a generated certificate. */
class TlsGatewayTest {
    static TlsMaterial tls = SelfSignedCertificate.generate("localhost", "127.0.0.1");
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway()
            .env("TLS_KEY", Base64.getEncoder().encodeToString(tls.keyPem()))
            .env("TLS_CERT", Base64.getEncoder().encodeToString(tls.certPem()))
            .env("TLS_CA", Base64.getEncoder().encodeToString(tls.caPem()));
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = fixture.gw();
    }

    @Test
    void httpsAnswersOverHttp2WithAlpn() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(tls.certPem())));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gw.server.apiPort() + "/api/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(gw.server.apiUrl()).isEqualTo("https://127.0.0.1:" + gw.server.apiPort());
        assertThat(gw.server.grpcUrl()).isEqualTo("grpcs://127.0.0.1:" + gw.server.grpcPort());
    }

    @Test
    void plaintextHttpToTheTlsPortFails() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.server.apiPort() + "/api/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void grpcOverTlsWorks() throws Exception {
        var creds = TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(tls.certPem())).build();
        ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", gw.server.grpcPort(), creds).build();
        try {
            assertThat(HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            Status s = GrpcProbe.connect(ch, Map.of(Wire.VERB.name(), "exec")).awaitEnd();
            assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(s.getDescription()).isEqualTo("missing origin");
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextGrpcToTheTlsPortFailsAsUnavailable() throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        try {
            assertThatThrownBy(() -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
