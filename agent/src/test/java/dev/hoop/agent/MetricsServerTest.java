package dev.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hoop.agent.transport.AgentMetrics;
import dev.hoop.common.config.Env;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's opt-in metrics port: off unless HOOP_METRICS_PORT is set, on loopback by default, GET /metrics only. */
class MetricsServerTest {
    static final String KEY = "grpcs://agent:xagt-0123456789abcdef0123456789@gw.example.com:8443";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void noMetricsPortUnlessOneIsSetAndLoopbackByDefault() {
        AgentConfig off = AgentConfig.fromEnv(new Env(Map.of("HOOP_KEY", KEY)), false, false);
        assertThat(off.metricsPort()).isNull();
        AgentConfig on = AgentConfig.fromEnv(new Env(Map.of("HOOP_KEY", KEY, "HOOP_METRICS_PORT", "9464")), false, false);
        assertThat(on.metricsPort()).isEqualTo(9464);
        assertThat(on.metricsAddr()).isEqualTo("127.0.0.1");
    }

    HttpResponse<String> call(String method, String host, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + server.port() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesGetMetricsAndNothingElse() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, AgentMetrics.withoutJvm());
        HttpResponse<String> ok = call("GET", "127.0.0.1", "/metrics");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(ok.body()).contains("hoop_agent_relay_bytes_total{direction=\"to_gateway\"} 0");
        assertThat(call("GET", "127.0.0.1", "/").statusCode()).isEqualTo(404);
        assertThat(call("GET", "127.0.0.1", "/metrics/../etc/passwd").statusCode()).isEqualTo(404);
        HttpResponse<String> post = call("POST", "127.0.0.1", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).isEqualTo("method POST not allowed on /metrics (use GET)\n");
        assertThat(call("BREW", "127.0.0.1", "/metrics").statusCode()).isEqualTo(405);
    }

    @Test
    void onLoopbackItIsNotReachableFromAnotherAddress() throws Exception {
        Optional<InetAddress> other = NetworkInterface.networkInterfaces().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress()).findFirst();
        assumeTrue(other.isPresent(), "this host has no non-loopback IPv4 address");
        server = MetricsServer.start("127.0.0.1", 0, AgentMetrics.withoutJvm());
        assertThatThrownBy(() -> new Socket(other.get(), server.port()).close()).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aPortInUseIsReportedWithTheVariable() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, AgentMetrics.withoutJvm());
        assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", server.port(), AgentMetrics.withoutJvm()))
                .hasMessageStartingWith("HOOP_METRICS_PORT: cannot listen on 127.0.0.1:" + server.port() + " (")
                .hasMessageEndingWith("; choose a free port, or unset HOOP_METRICS_PORT to serve no metrics)");
    }
}
