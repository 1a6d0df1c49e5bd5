package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * deploy/nginx in front of a real gateway, with Debian's nginx and a certificate made here: the
 * web API, an agent ({@code grpcs://} DSN, {@code HOOP_TLSCA}) and {@code hoop connect} + psql all
 * through one TLS port (and the two-host variant); an idle session outlives nginx's timeouts.
 */
class NginxThroughHoopTest extends NginxTestBase {
    /** How long the idle test keeps a session silent; docs/deploy.md runs it with 600 (10 minutes). */
    static final long IDLE_SECONDS = Long.getLong("hoop.e2e.idleSeconds", 35);

    private void singlePort(String timeout) throws Exception {
        startNginx(singlePortConf(timeout));
    }

    @Test
    void curlGetsTheHealthCheckOverHttp2AndPlainHttpIsRedirected() throws Exception {
        singlePort(null);
        Curl ok = curl("--http2", "https://127.0.0.1:" + tlsPort + "/api/healthz");
        assertThat(ok.status()).as(ok.toString()).isEqualTo("200 2");
        assertThat(ok.body()).isEqualTo("{\"status\":\"ok\"}");

        Curl redirect = curl("http://127.0.0.1:" + httpPort + "/api/healthz");
        assertThat(redirect.status()).as(redirect.toString()).isEqualTo("301 1.1");
        assertThat(redirect.headers()).containsIgnoringCase("location: https://127.0.0.1/api/healthz");

        // without the CA the certificate is not trusted: the test really verifies TLS
        Curl untrusted = curlWithoutCa("https://127.0.0.1:" + tlsPort + "/api/healthz");
        assertThat(untrusted.exit()).as(untrusted.toString()).isEqualTo(60);
    }

    @Test
    void anAgentWithAGrpcsDsnConnectsAndHoopConnectCarriesPsqlThroughOneTlsPort() throws Exception {
        singlePort(null);
        startAgentThroughNginx(Map.of());
        stack.createPostgresConnection("pg");
        int port = stack.connect("pg", "connect", cliThroughNginx());

        Psql.Result r = new Psql(work).run(port, stack.targetDb, "-c", "select 'through nginx', 6 * 7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("through nginx|42\n");
        // nginx's port is the only way the agent knows (the streams are still open: not in the access log yet)
        assertThat(stack.read("agent.err")).contains("connected to the gateway at grpcs://127.0.0.1:" + tlsPort);
    }

    @Test
    void theTwoHostVariantServesTheApiAndGrpcOnTheirOwnNames() throws Exception {
        startNginx(twoHostsConf());
        Curl api = curl("--resolve", "hoop.example.com:" + tlsPort + ":127.0.0.1", "https://hoop.example.com:" + tlsPort + "/api/healthz");
        assertThat(api.status()).as(api.toString()).isEqualTo("200 2");
        // the gRPC host forwards everything with grpc_pass: the web API is not there
        Curl notApi = curl("--resolve", "grpc.hoop.example.com:" + tlsPort + ":127.0.0.1",
                "https://grpc.hoop.example.com:" + tlsPort + "/api/healthz");
        assertThat(notApi.status()).as(notApi.toString()).isNotEqualTo("200 2");

        // the agent's host name only reaches nginx as TLS name and :authority (no DNS here)
        startAgentThroughNginx(Map.of("TLS_SERVER_NAME", "grpc.hoop.example.com"));
        HoopStack.await("the agent logs its connection through nginx", Duration.ofSeconds(20),
                () -> stack.read("agent.err").contains("connected to the gateway at grpcs://127.0.0.1:" + tlsPort));
    }

    /**
     * nginx's stream timeouts shortened to 15 s: a session idle for {@link #IDLE_SECONDS} (35 s by
     * default) still answers, because hoop's 10 s keep-alives cross nginx on every stream, and the
     * agent's stream is never cut. Its timeout is above the default 10 minutes (junit-platform.properties)
     * for the 600 s run of docs/deploy.md.
     */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void anIdleSessionOutlivesNginxsStreamTimeouts() throws Exception {
        singlePort("15s");
        startAgentThroughNginx(Map.of());
        stack.createPostgresConnection("pg");
        int port = stack.connect("pg", "connect", cliThroughNginx());
        try (Connection c = jdbc(port); Statement s = c.createStatement()) {
            assertThat(one(s, "select 1")).isEqualTo(1);
            idle(IDLE_SECONDS);
            assertThat(one(s, "select 2")).as("after " + IDLE_SECONDS + " s idle; agent log:\n" + stack.read("agent.err")).isEqualTo(2);
        }
        assertThat(stack.read("agent.err")).as("the agent's stream was never cut").doesNotContain("reconnecting to");
    }

    /** The control of the test above: nginx's timeouts do cut a stream that is silent for longer. */
    @Test
    void withTimeoutsShorterThanTheKeepAlivesNginxCutsTheAgentsStream() throws Exception {
        singlePort("5s");
        startAgentThroughNginx(Map.of());
        awaitWithLogs("nginx cuts the agent's stream between two 10 s keep-alives, and the agent reconnects", Duration.ofSeconds(60),
                () -> stack.read("agent.err").contains("reconnecting to grpcs://127.0.0.1:" + tlsPort));
        // nginx ended the stream itself: it finalised the Connect request (its access log line is
        // written then). Which timeout fires first (client body or upstream read) varies, and only
        // the upstream one is written to the error log, so the error log is not asserted.
        HoopStack.await("nginx logs the end of the agent's stream", Duration.ofSeconds(10),
                () -> nginx.accessLog().contains("POST /pb.Transport/Connect HTTP/2.0"));
    }

    /** Silence on the session: the wait is what is tested here, not a synchronisation. */
    private static void idle(long seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    private static Connection jdbc(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "anyone");
        p.setProperty("password", "any-password");
        p.setProperty("sslmode", "disable");
        p.setProperty("socketTimeout", "30");
        p.setProperty("connectTimeout", "20");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    private static int one(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
