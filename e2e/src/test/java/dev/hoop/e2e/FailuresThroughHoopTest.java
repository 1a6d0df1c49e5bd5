package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dying agent or gateway in the middle of a session, with the real processes. */
class FailuresThroughHoopTest {
    @TempDir
    Path work;
    HoopStack stack;
    Psql psql;

    @BeforeEach
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createPostgresConnection("pg");
        psql = new Psql(work);
    }

    @AfterEach
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void aKilledAgentEndsTheSessionWithAReasonAndARestartedOneServesAgain() throws Exception {
        int port = stack.connect("pg", "connect-1");
        CompletableFuture<Psql.Result> longQuery = CompletableFuture.supplyAsync(() -> {
            try {
                return psql.run(port, "x", "-c", "select pg_sleep(20)");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HoopStack.await("the query runs", Duration.ofSeconds(20), () -> stack.read("connect-1.err").contains("ready on")
                && pgSleeping());
        stack.agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        Psql.Result r = longQuery.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).isNotZero();
        HoopStack.await("hoop connect reports why", Duration.ofSeconds(20),
                () -> stack.read("connect-1.err").contains("session ended: agent 'e2e-agent' disconnected"));

        stack.startAgent();
        int again = stack.connect("pg", "connect-2");
        assertThat(psql.run(again, "x", "-c", "select 'back'").out()).isEqualTo("back\n");
    }

    @Test
    void aKilledGatewayLosesNoRecordedStatement() throws Exception {
        int port = stack.connect("pg", "connect-1");
        String marker = "select 'before-the-crash-" + HoopStack.suffix() + "'";
        assertThat(psql.run(port, "x", "-c", marker).exit()).isZero();

        stack.gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        stack.startGateway();

        JsonNode sessions = stack.get("/api/sessions?connection=pg");
        assertThat(sessions.get("data")).isNotEmpty();
        JsonNode session = sessions.get("data").get(0);
        assertThat(session.get("status").asText()).isEqualTo("done");
        assertThat(session.get("error").asText()).isEqualTo("the gateway stopped during the session");
        JsonNode events = stack.get("/api/sessions/" + session.get("id").asText()).get("events");
        List<String> inputs = StreamSupport.stream(events.spliterator(), false).map(e -> e.get("data").asText()).toList();
        assertThat(inputs).contains(marker);
    }

    private boolean pgSleeping() {
        try (var c = java.sql.DriverManager.getConnection(stack.targetUrl(), "postgres", "");
             var rs = c.createStatement().executeQuery("select count(*) from pg_stat_activity where query = 'select pg_sleep(20)'")) {
            return rs.next() && rs.getInt(1) > 0;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }
}
