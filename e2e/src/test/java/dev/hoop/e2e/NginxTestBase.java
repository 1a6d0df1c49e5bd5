package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests of deploy/nginx share this: per test, a real gateway with its admin and the agent's key
 * (the agent is not started: it goes through nginx), a CA and server certificate made here, a TLS
 * and a plain HTTP port for nginx; then nginx started on a shipped configuration, the agent and the
 * CLI pointed at nginx's TLS port, and curl against it.
 */
abstract class NginxTestBase {
    @TempDir
    Path work;
    TestCertificates certs;
    HoopStack stack;
    int tlsPort;
    int httpPort;
    /** Null until {@link #startNginx}. */
    NginxProcess nginx;

    @BeforeEach
    final void startGatewayWithCertificates() throws Exception {
        certs = TestCertificates.create(work.resolve("tls"));
        tlsPort = HoopStack.freePort();
        httpPort = HoopStack.freePort();
        stack = new HoopStack(work);
        stack.installWithoutStartingAgent();
    }

    @AfterEach
    final void stopNginxAndStack() throws Exception {
        try {
            if (nginx != null) {
                nginx.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /**
     * deploy/nginx/hoop-single-port.conf for this machine.
     *
     * @param timeout replaces every {@code 1h} timeout (e.g. {@code 5s}), or null to keep them
     */
    String singlePortConf(String timeout) throws IOException {
        return NginxConfigs.singlePort(tlsPort, httpPort, stack.apiPort, stack.grpcPort, certs, timeout);
    }

    /** deploy/nginx/hoop-two-hosts.conf for this machine. */
    String twoHostsConf() throws IOException {
        return NginxConfigs.twoHosts(tlsPort, httpPort, stack.apiPort, stack.grpcPort, certs);
    }

    /** Starts nginx with {@code serverConf} and waits until both its ports accept connections. */
    void startNginx(String serverConf) throws Exception {
        nginx = NginxProcess.start(work.resolve("nginx"), serverConf, List.of(tlsPort, httpPort));
    }

    /** The agent's key with nginx's TLS port instead of the gateway's plaintext one. */
    String dsnThroughNginx() {
        String plain = "grpc://";
        assertThat(stack.dsn).startsWith(plain).contains("@127.0.0.1:" + stack.grpcPort);
        return "grpcs://" + stack.dsn.substring(plain.length()).replace("@127.0.0.1:" + stack.grpcPort, "@127.0.0.1:" + tlsPort);
    }

    /** Starts the agent through nginx (trusting the test CA) and waits until it is CONNECTED. */
    void startAgentThroughNginx(Map<String, String> more) throws Exception {
        stack.dsn = dsnThroughNginx();
        stack.startAgent(agentEnv(more));
    }

    /** Starts the agent through nginx without waiting: for nginx set up so that it cannot connect. */
    void launchAgentThroughNginx() throws Exception {
        stack.dsn = dsnThroughNginx();
        stack.launchAgent(agentEnv(Map.of()));
    }

    private Map<String, String> agentEnv(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("HOOP_TLSCA", certs.ca().toString());
        return env;
    }

    /** The environment of a user's CLI that reaches the API and gRPC through nginx's TLS port. */
    Map<String, String> cliThroughNginx() {
        return Map.of("HOOP_APIURL", "https://127.0.0.1:" + tlsPort, "HOOP_GRPCURL", "grpcs://127.0.0.1:" + tlsPort,
                "HOOP_TLSCA", certs.ca().toString(), "HOOP_TOKEN", stack.token);
    }

    /** As {@link HoopStack#await}, with the agent's and nginx's logs in the failure: what to look at when nginx is involved. */
    void awaitWithLogs(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        try {
            HoopStack.await(what, limit, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nagent log:\n" + stack.read("agent.err") + "\nnginx log:\n"
                    + (nginx == null ? "(not started)" : nginx.log()), e);
        }
    }

    /** What curl saw: exit code, "{code} {http version}", headers and body. */
    record Curl(int exit, String status, String headers, String body, String err) {}

    /** curl trusting the test CA. */
    Curl curl(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--cacert", certs.ca().toString()));
        all.addAll(List.of(args));
        return runCurl(all);
    }

    /** curl with the system's trust store only (which does not know the test CA). */
    Curl curlWithoutCa(String... args) throws IOException, InterruptedException {
        return runCurl(List.of(args));
    }

    private Curl runCurl(List<String> args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(work, "curl");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-D", dir.resolve("headers").toString(),
                "-o", dir.resolve("body").toString(), "-w", "%{http_code} %{http_version}"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl " + args + " did not finish within 30 s");
        }
        return new Curl(p.exitValue(), read(dir.resolve("out")), read(dir.resolve("headers")), read(dir.resolve("body")), read(dir.resolve("err")));
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }
}
