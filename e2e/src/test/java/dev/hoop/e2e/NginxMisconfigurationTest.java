package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The troubleshooting table of docs/deploy.md, each row caused for real: a real nginx set up the
 * wrong way (proxy_pass instead of grpc_pass, no http2 on the TLS listener) and the wrong scheme in
 * front of TLS and plaintext ports; the agent or {@code hoop connect} says what to change.
 */
class NginxMisconfigurationTest extends NginxTestBase {
    /** deploy/nginx/hoop-single-port.conf with each {@code from} replaced by the {@code to} after it (none: as shipped). */
    private void nginx(String... fromTo) throws Exception {
        String conf = singlePortConf(null);
        for (int i = 0; i < fromTo.length; i += 2) {
            conf = NginxConfigs.replace(conf, fromTo[i], fromTo[i + 1]);
        }
        startNginx(conf);
    }

    private void awaitAgentSays(String text) throws InterruptedException {
        awaitWithLogs("the agent says '" + text + "'", Duration.ofSeconds(40), () -> stack.read("agent.err").contains(text));
    }

    @Test
    void proxyPassInsteadOfGrpcPassIsNamed() throws Exception {
        // proxy_pass streams the request body only with buffering off; with it on nginx waits for a body that never ends
        nginx("grpc_pass grpc://hoop_grpc;", "proxy_pass http://hoop_grpc; proxy_http_version 1.1; proxy_request_buffering off;");
        launchAgentThroughNginx();
        awaitAgentSays("the proxy in front of the gateway at 127.0.0.1:" + tlsPort + " forwards gRPC as HTTP/1.1 and the gateway answered"
                + " HTTP 426 (text/plain; charset=utf-8): enable HTTP/2 towards the gateway's gRPC port (nginx: grpc_pass grpc://…,"
                + " not proxy_pass); see docs/deploy.md#troubleshooting");
    }

    @Test
    void grpcSentToTheApiPortIsNamed() throws Exception {
        // no application/grpc branch: everything goes to the web/API port
        nginx("error_page 418 = @grpc;", "", "return 418;", "set $no_grpc_branch 1;");
        launchAgentThroughNginx();
        awaitAgentSays("the proxy in front of the gateway at 127.0.0.1:" + tlsPort + " answered HTTP 4");
        assertThat(stack.read("agent.err")).contains("instead of gRPC: it does not hand gRPC to the gateway's gRPC port");
    }

    @Test
    void aTlsListenerWithoutHttp2IsNamed() throws Exception {
        nginx("listen 127.0.0.1:" + tlsPort + " ssl http2;", "listen 127.0.0.1:" + tlsPort + " ssl;");
        launchAgentThroughNginx();
        awaitAgentSays("the proxy in front of the gateway at 127.0.0.1:" + tlsPort + " does not offer HTTP/2 over TLS (no h2 in ALPN)");
    }

    @Test
    void grpcToTheTlsPortSaysUseGrpcsAndGrpcsToThePlaintextPortSaysUseGrpc() throws Exception {
        nginx();
        stack.createConnection("tcp", "tcp", Map.of("HOST", "127.0.0.1", "PORT", "9"));

        HoopProcess.Result toTls = stack.hoop.run(Map.of("HOOP_GRPCURL", "grpc://127.0.0.1:" + tlsPort, "HOOP_TOKEN", stack.token,
                "HOOP_APIURL", stack.api), "", "connect", "tcp", "--port", Integer.toString(HoopStack.freePort()));
        assertThat(toTls.exit()).isEqualTo(1);
        assertThat(toTls.err()).contains("the gateway at 127.0.0.1:" + tlsPort + " speaks TLS: use grpcs://127.0.0.1:" + tlsPort);

        HoopProcess.Result toPlain = stack.hoop.run(Map.of("HOOP_GRPCURL", "grpcs://127.0.0.1:" + stack.grpcPort, "HOOP_TOKEN", stack.token,
                "HOOP_APIURL", stack.api), "", "connect", "tcp", "--port", Integer.toString(HoopStack.freePort()));
        assertThat(toPlain.exit()).isEqualTo(1);
        assertThat(toPlain.err()).contains("the gateway at 127.0.0.1:" + stack.grpcPort + " does not speak TLS: use grpc://127.0.0.1:"
                + stack.grpcPort + " (plaintext is allowed to loopback only, unless HOOP_ALLOW_PLAINTEXT=true)");
    }

    @Test
    void theGrpcPortAnswersTheLoadBalancersHttpHealthCheck() throws Exception {
        Curl health = curlWithoutCa("http://127.0.0.1:" + stack.grpcPort + "/");
        assertThat(health.exit()).as(health.toString()).isZero();
        assertThat(health.err()).isEmpty();
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }
}
