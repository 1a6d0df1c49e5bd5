package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real binaries: a tcp session through {@code hoop connect}, then the gateway's {@code /metrics}
 * and the agent's ({@code HOOP_METRICS_PORT}) read with curl show it.
 */
class MetricsThroughHoopTest {
    @TempDir
    Path work;
    HoopStack stack;
    ServerSocket echo;
    int agentMetricsPort;

    @BeforeEach
    void start() throws Exception {
        echo = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        agentMetricsPort = HoopStack.freePort();
        // every hoop process gets it; only the agent reads it
        stack = HoopStack.installed(work, Map.of("HOOP_METRICS_PORT", Integer.toString(agentMetricsPort)));
        stack.createConnection("echo", "tcp", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(echo.getLocalPort())));
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            out.write("HELLO\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            in.transferTo(out);
        } catch (java.io.IOException gone) {
            // the client left
        }
    }

    @AfterEach
    void stop() throws Exception {
        echo.close();
        stack.close();
    }

    /** curl's answer: status line code and body. */
    record Curl(int status, String body) {}

    static Curl curl(String url) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", url).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl " + url + " ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int cut = out.lastIndexOf('\n');
        return new Curl(Integer.parseInt(out.substring(cut + 1).trim()), out.substring(0, cut));
    }

    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aTcpSessionShowsInTheGatewaysAndTheAgentsMetrics() throws Exception {
        int port = stack.connect("echo", "connect-echo");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("HELLO\n");
            s.getOutputStream().write("ping-1234".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(in.readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("ping-1234");
        }
        String gateway = stack.api + "/metrics";
        HoopStack.await("the gateway counts the session and its bytes", Duration.ofSeconds(20), () -> {
            String body = body(gateway);
            return value(body, "hoop_sessions_opened_total{type=\"tcp\",verb=\"connect\"}") == 1
                    && value(body, "hoop_relay_bytes_total{direction=\"to_agent\",type=\"tcp\"}") >= 9
                    && value(body, "hoop_relay_bytes_total{direction=\"to_client\",type=\"tcp\"}") >= 15;
        });
        String g = body(gateway);
        assertThat(value(g, "hoop_agents_online")).isEqualTo(1);
        assertThat(value(g, "hoop_sessions_open{type=\"tcp\",verb=\"connect\"}")).isEqualTo(1); // hoop connect keeps it open
        assertThat(g).contains("jvm_memory_used_bytes{area=\"heap\"}").doesNotContain("echo\"", "e2e-agent", HoopStack.EMAIL);

        String agent = "http://127.0.0.1:" + agentMetricsPort + "/metrics";
        Curl a = curl(agent);
        assertThat(a.status()).isEqualTo(200);
        assertThat(value(a.body(), "hoop_agent_gateway_connected")).isEqualTo(1);
        assertThat(value(a.body(), "hoop_agent_sessions_opened_total{type=\"tcp\",verb=\"connect\"}")).isEqualTo(1);
        assertThat(value(a.body(), "hoop_agent_relay_bytes_total{direction=\"to_gateway\"}")).isGreaterThanOrEqualTo(15);
        assertThat(curl("http://127.0.0.1:" + agentMetricsPort + "/").status()).isEqualTo(404);
        assertThat(List.of(a.body().split("\n"))).noneMatch(l -> l.contains("echo") || l.contains(stack.dsn.substring(0, 20)));
    }

    private static String body(String url) {
        try {
            Curl c = curl(url);
            assertThat(c.status()).as(c.body()).isEqualTo(200);
            return c.body();
        } catch (Exception e) {
            throw new IllegalStateException("curl " + url, e);
        }
    }
}
