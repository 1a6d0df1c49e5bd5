package dev.hoop.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.proto.HealthCheckRequest;
import dev.hoop.proto.HealthCheckResponse;
import dev.hoop.proto.TransportGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Channels built by {@link GatewayChannels} against real grpc-java servers, plaintext and TLS. */
class GatewayChannelsTest {
    private static final TlsMaterial CERT = SelfSignedCertificate.generate("gateway.test", "localhost", "127.0.0.1");
    private static final TlsMaterial OTHER_NAME = SelfSignedCertificate.generate("only.gateway.test");
    private static Server plain;
    private static Server tls;
    private static Server tlsOtherName;

    @BeforeAll
    static void start() throws IOException {
        plain = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(new Health()).build().start();
        tls = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(CERT.cert(), CERT.key())).addService(new Health()).build().start();
        tlsOtherName = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(OTHER_NAME.cert(), OTHER_NAME.key()))
                .addService(new Health()).build().start();
    }

    @AfterAll
    static void stop() {
        plain.shutdownNow();
        tls.shutdownNow();
        tlsOtherName.shutdownNow();
    }

    @Test
    void plaintextToLoopback() {
        assertThat(health(GatewayTarget.parse("grpc://127.0.0.1:" + plain.getPort()), ChannelSettings.defaults())).isEqualTo("SERVING");
        assertThat(health(GatewayTarget.parse("http://localhost:" + plain.getPort()), ChannelSettings.defaults())).isEqualTo("SERVING");
    }

    @Test
    void tlsWithCaAsFilePemTextAndBase64(@TempDir Path dir) throws IOException {
        Path caFile = dir.resolve("ca.pem");
        Files.write(caFile, CERT.caPem());
        String pemText = new String(CERT.caPem(), StandardCharsets.US_ASCII);
        String base64 = Base64.getEncoder().encodeToString(CERT.caPem());
        GatewayTarget target = GatewayTarget.parse("grpcs://127.0.0.1:" + tls.getPort());
        for (String ca : new String[] {caFile.toString(), pemText, base64}) {
            ChannelSettings settings = ChannelSettings.fromEnv(new Env(Map.of("HOOP_TLSCA", ca)));
            assertThat(health(target, settings)).isEqualTo("SERVING");
        }
    }

    @Test
    void tlsServerNameOverride() {
        ChannelSettings settings = ChannelSettings.fromEnv(new Env(Map.of(
                "HOOP_TLSCA", Base64.getEncoder().encodeToString(OTHER_NAME.caPem()), "TLS_SERVER_NAME", "only.gateway.test")));
        assertThat(health(GatewayTarget.parse("https://127.0.0.1:" + tlsOtherName.getPort()), settings)).isEqualTo("SERVING");
    }

    @Test
    void tlsNameMismatchSaysSetTlsServerName() {
        ChannelSettings settings = new ChannelSettings(OTHER_NAME.caPem(), null, false);
        GatewayTarget target = GatewayTarget.parse("grpcs://127.0.0.1:" + tlsOtherName.getPort());
        assertThat(failure(target, settings)).startsWith("the gateway's TLS certificate does not name '127.0.0.1': set TLS_SERVER_NAME");
    }

    @Test
    void untrustedCertificateSaysSetHoopTlsca() {
        GatewayTarget target = GatewayTarget.parse("grpcs://127.0.0.1:" + tls.getPort());
        assertThat(failure(target, ChannelSettings.defaults())).isEqualTo("the gateway's TLS certificate at 127.0.0.1:" + tls.getPort()
                + " is not trusted: set HOOP_TLSCA to the CA certificate that signed it (a PEM file path, PEM text or base64 PEM)");
    }

    @Test
    void plaintextClientOnTlsPortExplainsGrpcs() {
        GatewayTarget target = GatewayTarget.parse("grpc://127.0.0.1:" + tls.getPort());
        assertThat(failure(target, ChannelSettings.defaults())).isEqualTo("the gateway at 127.0.0.1:" + tls.getPort()
                + " speaks TLS: use grpcs://127.0.0.1:" + tls.getPort() + " (and HOOP_TLSCA if its certificate is not signed by a public CA)");
    }

    @Test
    void tlsClientOnPlaintextPortExplainsTheScheme() {
        GatewayTarget target = GatewayTarget.parse("grpcs://127.0.0.1:" + plain.getPort());
        assertThat(failure(target, new ChannelSettings(CERT.caPem(), null, false))).isEqualTo("the gateway at 127.0.0.1:" + plain.getPort()
                + " does not speak TLS: use grpc://127.0.0.1:" + plain.getPort() + " (plaintext is allowed to loopback only,"
                + " unless HOOP_ALLOW_PLAINTEXT=true), or point to its TLS port");
    }

    @Test
    void connectionRefused() throws IOException {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(failure(GatewayTarget.parse("grpc://127.0.0.1:" + port), ChannelSettings.defaults()))
                .isEqualTo("cannot reach the gateway at 127.0.0.1:" + port + ": connection refused (is it running and is the port right?)");
    }

    @Test
    void plaintextToRemoteHostIsRefusedUnlessAllowed() {
        GatewayTarget remote = GatewayTarget.parse("grpc://gateway.example.com:8010");
        assertThatThrownBy(() -> GatewayChannels.open(remote, ChannelSettings.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("refusing plaintext gRPC to gateway.example.com:8010: the gateway's secrets would cross the network"
                        + " unencrypted (use grpcs:// for TLS, or set HOOP_ALLOW_PLAINTEXT=true to allow plaintext to a non-loopback host)");
        ManagedChannel allowed = GatewayChannels.open(remote, ChannelSettings.fromEnv(new Env(Map.of("HOOP_ALLOW_PLAINTEXT", "true"))));
        allowed.shutdownNow();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "grpc://127.0.0.1:9000|grpc|127.0.0.1|9000|false|true",
        "grpcs://gw.example.com|grpcs|gw.example.com|443|true|false",
        "http://localhost|http|localhost|8010|false|true",
        "https://[::1]:8443|https|::1|8443|true|true",
        "grpc://127.9.0.1:1|grpc|127.9.0.1|1|false|true",
        "grpc://127.example.com:1|grpc|127.example.com|1|false|false",
    })
    void parsesUrls(String url, String scheme, String host, int port, boolean tlsOn, boolean loopback) {
        GatewayTarget t = GatewayTarget.parse(url);
        assertThat(t).isEqualTo(new GatewayTarget(scheme, host, port, tlsOn));
        assertThat(t.loopback()).isEqualTo(loopback);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://h:1|gRPC URL scheme 'ftp' in 'ftp://h:1' is not supported (expected: grpcs or https for TLS, grpc or http for plaintext)",
        "grpcs:///x|gRPC URL 'grpcs:///x' has no host (expected: grpcs://HOST:PORT)",
        "' '|empty gRPC URL (expected: grpcs://HOST:PORT or grpc://HOST:PORT)",
    })
    void rejectsBadUrls(String url, String message) {
        assertThatThrownBy(() -> GatewayTarget.parse(url)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/nonexistent/ca.pem|HOOP_TLSCA: file '/nonexistent/ca.pem' is not readable (expected: a PEM CA file, PEM text or base64 PEM)",
        "bm90IGEgcGVt|HOOP_TLSCA: decodes to no PEM CERTIFICATE block (expected: base64 of a PEM CERTIFICATE) (or a path to a PEM file)",
    })
    void rejectsBadCa(String value, String message) {
        assertThatThrownBy(() -> ChannelSettings.fromEnv(new Env(Map.of("HOOP_TLSCA", value))))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private static String health(GatewayTarget target, ChannelSettings settings) {
        ManagedChannel ch = GatewayChannels.open(target, settings);
        try {
            return TransportGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .healthCheck(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            ch.shutdownNow();
        }
    }

    private static String failure(GatewayTarget target, ChannelSettings settings) {
        try {
            String status = health(target, settings);
            throw new AssertionError("expected a failure, got " + status);
        } catch (StatusRuntimeException e) {
            return GrpcErrors.explain(e, target);
        }
    }

    private static final class Health extends TransportGrpc.TransportImplBase {
        @Override
        public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            out.onNext(HealthCheckResponse.newBuilder().setStatus("SERVING").build());
            out.onCompleted();
        }
    }
}
