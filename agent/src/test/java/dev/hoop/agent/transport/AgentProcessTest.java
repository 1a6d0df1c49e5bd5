package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.command;
import static dev.hoop.agent.transport.Packets.open;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.AgentProcessMain;
import dev.hoop.common.wire.ClientPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code hoop start agent} as a real process against the test gateway. */
class AgentProcessTest {
    private TestGateway gateway;
    private Process agent;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        gateway = new TestGateway(AgentFixture.SECRET);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (agent != null) {
            agent.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        gateway.close();
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", AgentProcessMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("HOOP_") || k.startsWith("LOG_") || k.startsWith("TLS_"));
        pb.environment().putAll(env);
        agent = pb.start();
        InputStream err = agent.getErrorStream();
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = err.read(buf)) >= 0) {
                    synchronized (stderr) {
                        stderr.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        return agent;
    }

    private String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMalformedKeyExits2WithTheReason() throws Exception {
        Process p = launch(Map.of("HOOP_KEY", "grpcs://agent:not-a-secret@gateway.example.com"));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        AgentFixture.await(() -> stderr().endsWith("\n"), "stderr");
        assertThat(stderr()).isEqualTo("hoop start agent: HOOP_KEY: key secret is malformed (expected: 'xagt-' followed by the secret printed by 'hoop admin create agent')\n");
    }

    @Test
    void servesLogsJsonAndStopsItsCommandsOnSigterm() throws Exception {
        launch(Map.of("HOOP_DSN", "grpc://proc-agent:" + AgentFixture.SECRET + "@127.0.0.1:" + gateway.port()), "--debug");
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("p1", command("sleep", List.of("sh", "-c", "echo $$; exec sleep 60"), Map.of()), "x"));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        long child = Long.parseLong(link.next(WAIT).getPayload().toStringUtf8().trim());
        AgentFixture.await(() -> stderr().contains("connected to the gateway"), "connected log line");
        String line = stderr().lines().filter(l -> l.contains("connected to the gateway")).findFirst().orElseThrow();
        assertThat(line).startsWith("{").contains("\"level\":\"info\"").contains("proc-agent");
        assertThat(stderr()).contains("\"level\":\"debug\"").doesNotContain(AgentFixture.SECRET.substring(5));

        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        AgentFixture.await(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "the agent's command stopped");
        assertThat(link.ended.get(20, TimeUnit.SECONDS).getCode()).isIn(io.grpc.Status.Code.CANCELLED, io.grpc.Status.Code.OK);
    }
}
