package dev.hoop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gRPC port (plaintext, as behind a load balancer that terminates TLS) answers the target
 * group's health checks of docs/deploy.md: HTTP/1.1 {@code GET /} and {@code /healthz}, and a gRPC
 * call to {@code /} or {@code /AWS.ALB/healthcheck} over HTTP/2 with grpc-status 12 (UNIMPLEMENTED,
 * the ALB's default success code), while gRPC itself keeps working on the same port.
 */
class GrpcPortHealthCheckTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway();
    static int port;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        port = fixture.gw().server.grpcPort();
    }

    private static String http1(String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // the gateway closes after answering
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/healthz"})
    void anHttp11GetIsTheHealthCheck(String path) throws IOException {
        String answer = http1("GET " + path + " HTTP/1.1\r\nhost: 10.0.0.7:8010\r\nuser-agent: ELB-HealthChecker/2.0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n{\"status\":\"ok\"}");
    }

    @Test
    void aGrpcCallForwardedAsHttp11IsToldToUseHttp2() throws IOException {
        String answer = http1("POST /pb.Transport/Connect HTTP/1.0\r\ncontent-type: application/grpc\r\ncontent-length: 0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 426 Upgrade Required\r\n").contains("grpc_pass");
    }

    @Test
    void grpcStillWorksOnThePort() {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HealthCheckResponse r = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            ch.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/AWS.ALB/healthcheck"})
    void anAlbGrpcHealthCheckGetsStatus12(String path) throws Exception {
        Path headers = tmp.resolve("headers");
        Process p = new ProcessBuilder(List.of("curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "-X", "POST",
                "-H", "content-type: application/grpc", "-H", "te: trailers", "--data-binary", "", "-D", headers.toString(),
                "-o", "/dev/null", "http://127.0.0.1:" + port + path)).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(headers)).startsWith("HTTP/2 200").containsIgnoringCase("grpc-status: 12");
    }
}
