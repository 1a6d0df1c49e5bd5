package dev.hoop.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a dial says when something that is not a gRPC server answers: a real grpc-java client
 * against a socket that answers HTTP/1.1 (a proxy without HTTP/2), and grpc-java's descriptions of
 * an HTTP answer passed on by a proxy (e2e NginxMisconfigurationTest has them from a real nginx).
 */
class TransportMismatchTest {
    private ServerSocket http1;

    @AfterEach
    void stop() throws IOException {
        if (http1 != null) {
            http1.close();
        }
    }

    /** Answers every connection with an HTTP/1.1 400, as nginx without http2 answers the HTTP/2 preface. */
    private int http1Server() throws IOException {
        http1 = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!http1.isClosed()) {
                try (Socket s = http1.accept()) {
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    in.read(new byte[1024]);
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 400 Bad Request\r\ncontent-type: text/html\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException closed) {
                    // the next connection, or the end of the test
                }
            }
        });
        return http1.getLocalPort();
    }

    @Test
    void anHttp11AnswerToThePrefaceNamesTheProxyAndHttp2() throws IOException {
        int port = http1Server();
        GatewayTarget target = GatewayTarget.parse("grpc://127.0.0.1:" + port);
        var channel = GatewayChannels.open(target, ChannelSettings.defaults());
        try {
            dev.hoop.proto.TransportGrpc.newBlockingStub(channel).withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                    .healthCheck(dev.hoop.proto.HealthCheckRequest.getDefaultInstance());
            throw new AssertionError("expected a failure");
        } catch (StatusRuntimeException e) {
            assertThat(GrpcErrors.explain(e, target)).isEqualTo("the proxy in front of the gateway at 127.0.0.1:" + port
                    + " answered HTTP/1.1 to gRPC's HTTP/2 preface: enable HTTP/2 on it (nginx: listen … http2; grpc_pass to the"
                    + " gateway's gRPC port), or point to the gateway's gRPC port (8010) instead of its HTTP port (8009);"
                    + " see docs/deploy.md#troubleshooting");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theSameAnswerFromATlsPortSaysUseGrpcs() {
        GatewayTarget target = GatewayTarget.parse("grpc://gw.example.com:443");
        var error = Status.UNAVAILABLE.withDescription("io exception").withCause(new IllegalStateException(
                "First received frame was not SETTINGS. Hex dump for first 5 bytes: 485454502f")).asRuntimeException();
        assertThat(TransportMismatch.diagnose(error, target, (h, p) -> Optional.of(true)))
                .contains("the gateway at gw.example.com:443 speaks TLS: use grpcs://gw.example.com:443 (and HOOP_TLSCA if its"
                        + " certificate is not signed by a public CA)");
    }

    static Stream<Arguments> httpAnswers() {
        return Stream.of(
                // nginx proxy_pass (HTTP/1.1) in front of the gateway's gRPC port: the gateway's 426 comes back
                Arguments.of("HTTP status code 426\ninvalid content-type: text/plain; charset=utf-8\nheaders: Metadata()\n"
                        + "DATA-----------------------------\nhoop gateway: this is the gRPC port, which speaks HTTP/2 (gRPC) only, and it"
                        + " received an HTTP/1.x request.",
                        "the proxy in front of the gateway at gw:443 forwards gRPC as HTTP/1.1 and the gateway answered HTTP 426"
                        + " (text/plain; charset=utf-8): enable HTTP/2 towards the gateway's gRPC port (nginx: grpc_pass grpc://…,"
                        + " not proxy_pass); see docs/deploy.md#troubleshooting"),
                Arguments.of("HTTP status code 502\ninvalid content-type: text/html\nheaders: Metadata(:status=502)",
                        "the proxy in front of the gateway at gw:443 answered HTTP 502 (text/html) instead of gRPC: the gateway behind it"
                        + " does not answer the proxy (down, a wrong upstream address, or HTTP/1.1 towards its gRPC port: nginx needs"
                        + " grpc_pass, not proxy_pass); see docs/deploy.md#troubleshooting"),
                Arguments.of("HTTP status code 404\ninvalid content-type: application/json",
                        "the proxy in front of the gateway at gw:443 answered HTTP 404 (application/json) instead of gRPC: it does not"
                        + " hand gRPC to the gateway's gRPC port (nginx: grpc_pass for content-type application/grpc, or the gRPC host"
                        + " of a two-host setup); see docs/deploy.md#troubleshooting"));
    }

    @ParameterizedTest
    @MethodSource("httpAnswers")
    void anHttpAnswerPassedOnByAProxyIsNamed(String description, String expected) {
        var error = Status.UNKNOWN.withDescription(description).asRuntimeException();
        assertThat(TransportMismatch.diagnose(error, GatewayTarget.parse("grpcs://gw:443"), TlsProbe.none())).contains(expected);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Failed ALPN negotiation: Unable to find compatible protocol",
            "Received fatal alert: no_application_protocol"})
    void noAlpnH2NamesTheProxysTlsListener(String message) {
        var error = Status.UNAVAILABLE.withDescription("io exception").withCause(new javax.net.ssl.SSLHandshakeException(message))
                .asRuntimeException();
        assertThat(TransportMismatch.diagnose(error, GatewayTarget.parse("grpcs://gw:443"), TlsProbe.none()).orElseThrow())
                .startsWith("the proxy in front of the gateway at gw:443 does not offer HTTP/2 over TLS (no h2 in ALPN)")
                .contains("listen 443 ssl http2");
    }

    @Test
    void otherFailuresAreNotAMismatchAndNeedNoProbe() {
        var refused = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new java.net.ConnectException("Connection refused")).asRuntimeException();
        assertThat(TransportMismatch.diagnose(refused, GatewayTarget.parse("grpc://gw:8010"), (h, p) -> {
            throw new AssertionError("no probe for a refused connection");
        })).isEmpty();
    }

    @Test
    void theNetworkProbeTellsTlsFromPlaintextAndUnreachable() throws IOException {
        int plain = http1Server();
        assertThat(TlsProbe.network().speaksTls("127.0.0.1", plain)).contains(false);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(TlsProbe.network().speaksTls("127.0.0.1", closed)).isEmpty();
    }
}
