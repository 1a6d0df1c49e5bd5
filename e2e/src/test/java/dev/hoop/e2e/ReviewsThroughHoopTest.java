package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reviews with the real gateway, agent, CLI, PostgreSQL and psql (docs/reviews.md): a one-off
 * review with two approver groups (approved: the script runs once; rejected: the requester is told
 * why), self-approval refused, a CLI waiting across a gateway restart, a jit grant whose expiry
 * ends an open psql session, and a revocation ending one within 2 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewsThroughHoopTest {
    private static final Pattern WAITING = Pattern.compile("review ([0-9a-f-]{36}) waits for approval");
    @TempDir
    static Path work;
    HoopStack stack;
    Map<String, String> dev;
    Map<String, String> dba;
    Map<String, String> sre;
    int run;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createConnection("sh", "command-line", Map.of(), "bash");
        stack.createPostgresConnection("pg");
        HoopProcess.Result set = stack.exec("", "admin", "create", "connection", "sh2", "--type", "command-line", "--agent", "e2e-agent",
                "--reviewers", "dba,sre", "--", "bash");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("sessions need a review by: dba, sre");
        assertThat(stack.send("PUT", "/api/connections/sh/reviewers", stack.token, Map.of("groups", List.of("dba", "sre"))).statusCode()).isEqualTo(200);
        assertThat(stack.send("PUT", "/api/connections/pg/reviewers", stack.token, Map.of("groups", List.of("dba"))).statusCode()).isEqualTo(200);
        dev = user("dev@example.com", "dev");
        dba = user("dba@example.com", "dba");
        sre = user("sre@example.com", "sre");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            Files.copy(work.resolve("gateway.err"), Path.of("target", "reviews-gateway.err"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            stack.close();
        }
    }

    private Map<String, String> user(String email, String group) throws Exception {
        stack.post("/api/users", Map.of("email", email, "password", "a-password-1", "groups", List.of(group)), 201);
        String token = stack.post("/api/localauth/login", Map.of("email", email, "password", "a-password-1"), 200).get("token").asText();
        return Map.of("HOOP_APIURL", stack.api, "HOOP_GRPCURL", "grpc://127.0.0.1:" + stack.grpcPort, "HOOP_TOKEN", token);
    }

    /** Starts {@code hoop args} as {@code who} in the background, output in {@code <name>.out/.err}. */
    private Process hoop(Map<String, String> who, String name, String... args) throws Exception {
        Process p = stack.hoop.start(who, name, args);
        p.getOutputStream().close();
        return p;
    }

    private HoopProcess.Result as(Map<String, String> who, String... args) throws Exception {
        return stack.hoop.run(who, "", args);
    }

    /** The id of the review {@code name}'s process waits for, once it says so. */
    private String awaitWaiting(String name, Process p) throws Exception {
        String[] id = new String[1];
        HoopStack.await(name + " waits for approval", Duration.ofSeconds(60), () -> {
            assertThat(p.isAlive()).as(name + " runs: " + stack.read(name + ".err")).isTrue();
            Matcher m = WAITING.matcher(stack.read(name + ".err"));
            if (m.find()) {
                id[0] = m.group(1);
                return true;
            }
            return false;
        });
        return id[0];
    }

    private String status(String id) throws Exception {
        return stack.get("/api/reviews/" + id).get("status").asText();
    }

    @Test
    @Order(1)
    void oneOffReviewWithTwoGroupsRunsOnceBothApproved() throws Exception {
        Process exec = hoop(dev, "exec-ok", "exec", "sh", "-i", "echo reviewed-$((6*7))");
        String id = awaitWaiting("exec-ok", exec);
        assertThat(stack.read("exec-ok.err")).contains("this connection needs a review: " + stack.api + "/reviews/" + id);

        HoopProcess.Result first = as(dba, "review", "approve", id);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("review " + id + " (onetime on 'sh' by dev@example.com): PENDING, still to decide: sre\n");
        assertThat(exec.isAlive()).isTrue();
        HoopProcess.Result second = as(sre, "review", "approve", id);
        assertThat(second.out()).isEqualTo("review " + id + " (onetime on 'sh' by dev@example.com): APPROVED\n");

        assertThat(exec.waitFor(60, TimeUnit.SECONDS)).as("hoop exec finished: " + stack.read("exec-ok.err")).isTrue();
        assertThat(exec.exitValue()).as(stack.read("exec-ok.err")).isZero();
        assertThat(stack.read("exec-ok.out")).isEqualTo("reviewed-42\n");
        assertThat(stack.read("exec-ok.err")).contains("review " + id + " approved after ");
        HoopStack.await("the review is EXECUTED", Duration.ofSeconds(10), () -> {
            try {
                return status(id).equals("EXECUTED");
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode review = stack.get("/api/reviews/" + id);
        assertThat(review.get("groups").toString()).contains("\"reviewed_by\":\"dba@example.com\"", "\"reviewed_by\":\"sre@example.com\"");
        // once: running it again is refused
        HoopProcess.Result again = as(dev, "exec", "sh", "--review", id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("was run already");
        // the listing shows it
        HoopProcess.Result list = as(dba, "admin", "get", "reviews");
        assertThat(list.out()).contains(id, "EXECUTED", "dev@example.com");
    }

    @Test
    @Order(2)
    void oneRejectionRejectsAndTheRequesterIsToldWhy() throws Exception {
        Process exec = hoop(dev, "exec-no", "exec", "sh", "-i", "echo never");
        String id = awaitWaiting("exec-no", exec);
        HoopProcess.Result rejected = as(sre, "review", "reject", id, "--reason", "not on a Friday");
        assertThat(rejected.exit()).as(rejected.err()).isZero();
        assertThat(exec.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(exec.exitValue()).isEqualTo(1);
        assertThat(stack.read("exec-no.err")).contains("error: review " + id + " was rejected by sre@example.com (group sre): not on a Friday");
        assertThat(stack.read("exec-no.out")).isEmpty();
        assertThat(status(id)).isEqualTo("REJECTED");
        HoopProcess.Result late = as(dba, "review", "approve", id);
        assertThat(late.exit()).isEqualTo(1);
        assertThat(late.err()).contains("is REJECTED already");
    }

    @Test
    @Order(3)
    void aRequesterCannotApproveTheirOwnReviewEvenAsAdmin() throws Exception {
        assertThat(stack.send("PUT", "/api/users/" + HoopStack.EMAIL, stack.token, Map.of("groups", List.of("admin", "dba", "sre"))).statusCode())
                .isEqualTo(200);
        Map<String, String> admin = stack.userEnv();
        HoopProcess.Result noWait = as(admin, "exec", "sh", "--no-wait", "-i", "echo mine");
        assertThat(noWait.exit()).as(noWait.err()).isZero();
        String id = noWait.out().trim();
        assertThat(id).matches("[0-9a-f-]{36}");
        HoopProcess.Result self = as(admin, "review", "approve", id);
        assertThat(self.exit()).isEqualTo(1);
        assertThat(self.err()).contains("error: you cannot approve your own review (review " + id + "), even as an admin");
        assertThat(status(id)).isEqualTo("PENDING");
        // approved by others, the --no-wait requester runs it later by id
        as(dba, "review", "approve", id);
        as(sre, "review", "approve", id);
        HoopProcess.Result ran = as(admin, "exec", "sh", "--review", id);
        assertThat(ran.exit()).as(ran.err()).isZero();
        assertThat(ran.out()).isEqualTo("mine\n");
    }

    @Test
    @Order(4)
    void theCliKeepsWaitingAcrossAGatewayRestart() throws Exception {
        Process exec = hoop(dev, "exec-restart", "exec", "sh", "-i", "echo survived");
        String id = awaitWaiting("exec-restart", exec);
        stack.gateway.destroy();
        assertThat(stack.gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
        HoopStack.await("the CLI says it reconnects", Duration.ofSeconds(30),
                () -> stack.read("exec-restart.err").contains("review " + id + " still waits, reconnecting"));
        assertThat(exec.isAlive()).isTrue();
        stack.startGateway();
        HoopStack.await("the agent is back", Duration.ofSeconds(60), () -> {
            try {
                return stack.get("/api/agents/e2e-agent").get("status").asText().equals("CONNECTED");
            } catch (Exception e) {
                return false;
            }
        });
        as(dba, "review", "approve", id);
        as(sre, "review", "approve", id);
        assertThat(exec.waitFor(90, TimeUnit.SECONDS)).as("hoop exec finished: " + stack.read("exec-restart.err")).isTrue();
        assertThat(exec.exitValue()).as(stack.read("exec-restart.err")).isZero();
        assertThat(stack.read("exec-restart.out")).isEqualTo("survived\n");
    }

    @Test
    @Order(5)
    void jitGrantPassesConnectsUntilItExpiresAndExpiryEndsTheOpenPsqlSession() throws Exception {
        int port = HoopStack.freePort();
        Process connect = hoop(dev, "connect-jit", "connect", "pg", "--duration", "60s", "--port", Integer.toString(port));
        String id = awaitWaiting("connect-jit", connect);
        HoopProcess.Result ok = as(dba, "review", "approve", id);
        assertThat(ok.out()).contains("(jit on 'pg' by dev@example.com): APPROVED");
        long approvedAt = System.nanoTime();
        HoopStack.await("hoop connect listens", Duration.ofSeconds(30), () -> stack.read("connect-jit.err").contains("ready on"));
        Process psql = psql(port, "psql-jit");
        OutputStream in = psql.getOutputStream();
        in.write("select 'granted-' || 6*7;\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        HoopStack.await("psql ran a statement", Duration.ofSeconds(30), () -> stack.read("psql-jit.out").contains("granted-42"));

        HoopStack.await("the grant expired and the session ended", Duration.ofSeconds(90),
                () -> stack.read("connect-jit.err").contains("access expired"));
        assertThat(Duration.ofNanos(System.nanoTime() - approvedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(58));
        assertThat(connect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        in.write("select 'after-expiry';\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        in.close();
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stack.read("psql-jit.out")).doesNotContain("after-expiry\n");
    }

    @Test
    @Order(6)
    void revokingAGrantEndsTheOpenPsqlSessionWithin2Seconds() throws Exception {
        int port = HoopStack.freePort();
        Process connect = hoop(dev, "connect-rev", "connect", "pg", "--duration", "2h", "--port", Integer.toString(port));
        String id = awaitWaiting("connect-rev", connect);
        as(dba, "review", "approve", id);
        HoopStack.await("hoop connect listens", Duration.ofSeconds(30), () -> stack.read("connect-rev.err").contains("ready on"));
        Process psql = psql(port, "psql-rev");
        psql.getOutputStream().write("select 'open-' || 1;\n".getBytes(StandardCharsets.UTF_8));
        psql.getOutputStream().flush();
        HoopStack.await("psql ran a statement", Duration.ofSeconds(30), () -> stack.read("psql-rev.out").contains("open-1"));

        HoopProcess.Result notAdmin = as(dba, "review", "revoke", id);
        assertThat(notAdmin.exit()).isEqualTo(1);
        assertThat(notAdmin.err()).contains("only an admin can revoke");
        long t0 = System.nanoTime();
        var revoked = stack.send("PUT", "/api/reviews/" + id, stack.token, Map.of("status", "REVOKED"));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        HoopStack.await("the session ended", Duration.ofSeconds(30), () -> stack.read("connect-rev.err").contains("access revoked"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("time until the client was told").isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(connect.waitFor(30, TimeUnit.SECONDS)).isTrue();
        psql.getOutputStream().close();
        assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private Process psql(int port, String name) throws Exception {
        return new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "anyone", "-d", "x", "-X", "-At")
                .redirectOutput(work.resolve(name + ".out").toFile()).redirectErrorStream(true).start();
    }
}
