package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation ends sessions, with the real gateway, agent and CLI: an exec that only streams output
 * (it sends nothing the gateway could check at) is cut within 2 s of its user being disabled, of
 * its API key being revoked, and of its user losing access to the connection (groups, access
 * rules, the connection deleted); the reason reaches the client and is the session's recorded
 * end. Last, SIGTERM to the gateway with an open psql session: an orderly shutdown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationThroughHoopTest {
    static final String TICKER = "while true; do echo tick; sleep 0.1; done";
    static final Duration CUT_WITHIN = Duration.ofSeconds(2);
    @TempDir
    static Path work;
    HoopStack stack;
    String devId;
    String devToken;
    int run;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createConnection("ticker", "command-line", Map.of(), "bash");
        stack.createConnection("doomed", "command-line", Map.of(), "bash");
        stack.createPostgresConnection("pg");
        JsonNode dev = stack.post("/api/users", Map.of("email", "dev@example.com", "password", "dev-password-1", "groups", List.of("dev")), 201);
        devId = dev.get("id").asText();
        devToken = stack.post("/api/localauth/login", Map.of("email", "dev@example.com", "password", "dev-password-1"), 200).get("token").asText();
        allowDev(true);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            // kept for diagnosis next to the test reports
            Files.copy(work.resolve("gateway.err"), Path.of("target", "revocation-gateway.err"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            stack.close();
        }
    }

    private void allowDev(boolean onTicker) throws Exception {
        List<Map<String, Object>> rules = List.of(
                Map.of("name", "ticker", "config", onTicker ? List.of("dev") : List.of("ops")),
                Map.of("name", "doomed", "config", List.of("dev")));
        HttpResponse<String> r = stack.send(exists("/api/plugins/access_control") ? "PUT" : "POST",
                exists("/api/plugins/access_control") ? "/api/plugins/access_control" : "/api/plugins", stack.token,
                Map.of("name", "access_control", "connections", rules));
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    }

    private boolean exists(String path) {
        return stack.status(path) == 200;
    }

    /** A running {@code hoop exec} streaming ticks as the dev user, once its first tick arrived. */
    private Process tickingExec(String connection) throws Exception {
        String name = "exec-" + (++run);
        Process p = stack.hoop.start(Map.of("HOOP_APIURL", stack.api, "HOOP_GRPCURL", "grpc://127.0.0.1:" + stack.grpcPort,
                "HOOP_TOKEN", devToken), name, "exec", connection, "-i", TICKER);
        p.getOutputStream().close();
        HoopStack.await("the exec streams ticks", Duration.ofSeconds(30), () -> {
            assertThat(p.isAlive()).as("hoop exec runs: " + stack.read(name + ".err")).isTrue();
            return stack.read(name + ".out").contains("tick\ntick\n");
        });
        return p;
    }

    /**
     * Within {@link #CUT_WITHIN} of now the client is told {@code reason} (the session was cut; the
     * CLI's own exit, a JVM shutting down on a loaded machine, is not part of the 2 s), then it
     * exits with an error; the session's recorded end says {@code reason} too.
     */
    private void assertCut(Process exec, String connection, String reason) throws Exception {
        awaitToldWithin(reason);
        assertThat(exec.waitFor(30, TimeUnit.SECONDS)).as("hoop exec exited").isTrue();
        assertThat(exec.exitValue()).isEqualTo(1);
        JsonNode session = lastSession(connection);
        assertThat(session.get("status").asText()).isEqualTo("done");
        assertThat(session.get("error").asText()).isEqualTo(reason);
    }

    private void awaitToldWithin(String reason) throws Exception {
        String name = "exec-" + run;
        long t0 = System.nanoTime();
        HoopStack.await("hoop exec was told why", Duration.ofSeconds(30), () -> stack.read(name + ".err").contains("error: " + reason));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("time until the client was told").isLessThanOrEqualTo(CUT_WITHIN);
    }

    private JsonNode lastSession(String connection) throws Exception {
        String[] id = new String[1];
        HoopStack.await("the session's end is recorded", Duration.ofSeconds(10), () -> {
            try {
                JsonNode s = stack.get("/api/sessions?connection=" + connection).get("data").get(0);
                id[0] = s.get("id").asText();
                return s.get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
        return stack.get("/api/sessions/" + id[0]).get("session");
    }

    @Test
    @Order(1)
    void disablingTheUserCutsItsExec() throws Exception {
        Process exec = tickingExec("ticker");
        HttpResponse<String> r = stack.send("PUT", "/api/users/" + devId, stack.token, Map.of("status", "disabled"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            assertCut(exec, "ticker", "your user was disabled by an admin; the session is closed");
        } finally {
            assertThat(stack.send("PUT", "/api/users/" + devId, stack.token, Map.of("status", "active")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void removingTheConnectionFromTheUsersGroupsInTheAccessRulesCutsItsExec() throws Exception {
        Process exec = tickingExec("ticker");
        allowDev(false);
        try {
            assertCut(exec, "ticker", "your access to connection 'ticker' was removed (the access rules (plugin 'access_control') changed); "
                    + "the session is closed");
        } finally {
            allowDev(true);
        }
    }

    @Test
    @Order(3)
    void changingTheUsersGroupsCutsItsExec() throws Exception {
        Process exec = tickingExec("ticker");
        HttpResponse<String> r = stack.send("PUT", "/api/users/" + devId, stack.token, Map.of("groups", List.of("ops")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            assertCut(exec, "ticker", "your access to connection 'ticker' was removed (the groups of user dev@example.com changed); "
                    + "the session is closed");
        } finally {
            assertThat(stack.send("PUT", "/api/users/" + devId, stack.token, Map.of("groups", List.of("dev"))).statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(4)
    void deletingTheConnectionCutsItsExec() throws Exception {
        Process exec = tickingExec("doomed");
        assertThat(stack.send("DELETE", "/api/connections/doomed", stack.token, null).statusCode()).isEqualTo(204);
        String reason = "your access to connection 'doomed' was removed (connection 'doomed' was deleted); the session is closed";
        awaitToldWithin(reason);
        assertThat(exec.waitFor(30, TimeUnit.SECONDS)).as("hoop exec exited").isTrue();
        assertThat(exec.exitValue()).isEqualTo(1);
        // the connection is gone from the API, so its session is read from the gateway's database
        String sql = "SELECT status, metadata->>'error' FROM hoop.sessions WHERE connection_name = 'doomed' ORDER BY started_at DESC LIMIT 1";
        HoopStack.await("the session's end is recorded", Duration.ofSeconds(10), () -> "done".equals(gatewayRow(sql)[0]));
        assertThat(gatewayRow(sql)[1]).isEqualTo(reason);
    }

    /** The first row of a query on the gateway's own database, as text; nulls when there is none. */
    private String[] gatewayRow(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + stack.gatewayDb, "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            String[] row = new String[n];
            if (rs.next()) {
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
            }
            return row;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Test
    @Order(5)
    void revokingTheApiKeyCutsItsApiExec() throws Exception {
        String key = stack.post("/api/apikeys", Map.of("name", "ci-key", "groups", List.of("dev")), 201).get("key").asText();
        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return stack.send("POST", "/api/sessions", key, Map.of("connection", "ticker", "script", TICKER));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HoopStack.await("the API exec streams ticks", Duration.ofSeconds(30), () -> {
            try {
                JsonNode data = stack.get("/api/sessions?connection=ticker").get("data");
                return data.size() > 0 && data.get(0).get("user_email").asText().equals("apikey:ci-key")
                                && data.get(0).get("status").asText().equals("open");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(stack.send("DELETE", "/api/apikeys/ci-key", stack.token, null).statusCode()).isEqualTo(204);
        HttpResponse<String> r = answer.get(CUT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(r.body());
        String reason = "the API key of this session was revoked; the session is closed";
        assertThat(body.get("error").asText()).isEqualTo(reason);
        assertThat(body.get("output").asText()).matches("(tick\n)*");
        assertThat(lastSession("ticker").get("error").asText()).isEqualTo(reason);
    }

    /** Last: it stops the gateway. */
    @Test
    @Order(Integer.MAX_VALUE)
    void sigtermWithAnOpenPsqlSessionEndsItInOrder() throws Exception {
        int port = stack.connect("pg", "connect-pg");
        String marker = "select 'shutdown-marker-" + HoopStack.suffix() + "'";
        Path psqlOut = work.resolve("psql-open.out");
        Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "anyone", "-d", "x", "-X", "-At")
                .redirectOutput(psqlOut.toFile()).redirectErrorStream(true).start();
        psql.getOutputStream().write((marker + ";\n").getBytes());
        psql.getOutputStream().flush();
        HoopStack.await("the statement is in the open session's audit file", Duration.ofSeconds(30), () -> {
            try (var files = Files.list(work.resolve("audit"))) {
                return files.filter(f -> f.toString().endsWith(".wal")).anyMatch(f -> {
                    try {
                        return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(marker);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            } catch (java.io.IOException e) {
                return false;
            }
        });

        stack.gateway.destroy(); // SIGTERM
        assertThat(stack.gateway.waitFor(30, TimeUnit.SECONDS)).as("the gateway stopped").isTrue();
        assertThat(stack.gateway.exitValue()).isZero();
        psql.destroy();

        String log = stack.read("gateway.err");
        String shutdown = log.substring(log.indexOf("gateway: shutting down"));
        assertThat(shutdown.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList())
                .as("errors and warnings while shutting down").isEmpty();
        assertThat(log).doesNotContain("has been closed").doesNotContain("could not record its end");
        String reason = "the gateway is shutting down; the session is closed (reconnect in a moment)";
        HoopStack.await("hoop connect was told", Duration.ofSeconds(10), () -> stack.read("connect-pg.err").contains(reason));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + stack.gatewayDb, "postgres", "")) {
            ResultSet s = c.createStatement().executeQuery(
                    "SELECT id, status, metadata->>'error' FROM hoop.sessions WHERE connection_name = 'pg' AND verb = 'connect'");
            assertThat(s.next()).isTrue();
            assertThat(s.getString(2)).isEqualTo("done");
            assertThat(s.getString(3)).isEqualTo(reason);
            ResultSet e = c.createStatement().executeQuery("SELECT count(*) FILTER (WHERE type = 'i' AND position(convert_to('"
                    + marker.replace("'", "''") + "', 'UTF8') in data) > 0), count(*) FILTER (WHERE type = 'e') FROM hoop.session_events WHERE session_id = '"
                    + s.getString(1) + "'");
            e.next();
            assertThat(e.getInt(1)).as("the statement is recorded").isEqualTo(1);
            assertThat(e.getInt(2)).as("the end's reason is recorded").isEqualTo(1);
        }
        try (var left = Files.list(work.resolve("audit"))) {
            assertThat(left.filter(f -> f.toString().endsWith(".wal")).toList()).as("audit files not flushed").isEmpty();
        }
    }
}
