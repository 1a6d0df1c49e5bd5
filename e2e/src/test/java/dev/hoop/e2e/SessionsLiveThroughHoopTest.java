package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@code hoop connect} carrying several psql and a pgbench (real processes through gateway and
 * agent to PostgreSQL): its events read per client connection while the session runs, paged, and
 * followed live over Server-Sent Events (JDK HttpClient) and with {@code hoop admin get sessions ID
 * --follow} until the session ends; another user sees none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionsLiveThroughHoopTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    static Path work;
    HoopStack stack;
    Psql psql;
    int port;
    String devToken;
    String sessionId;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
        stack.createPostgresConnection("pg");
        stack.post("/api/users", Map.of("email", "dev@example.com", "password", "dev-password-1", "groups", List.of("dev")), 201);
        devToken = stack.post("/api/localauth/login", Map.of("email", "dev@example.com", "password", "dev-password-1"), 200).get("token").asText();
        port = stack.connect("pg", "connect-live");
        psql = new Psql(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private static List<JsonNode> events(JsonNode detail) {
        return StreamSupport.stream(detail.get("events").spliterator(), false).toList();
    }

    private static List<JsonNode> inputs(List<JsonNode> events, String data) {
        return events.stream().filter(e -> e.get("type").asText().equals("i") && e.get("data").asText().equals(data)).toList();
    }

    @Test
    @Order(1)
    void severalClientsThroughOneConnectAreReadPerClientConnectionWhileTheSessionRuns() throws Exception {
        List<CompletableFuture<Psql.Result>> runs = new ArrayList<>();
        for (String who : List.of("A", "B", "C")) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return psql.run(port, "x", "-c", "select 'who-" + who + "'", "-c", "select pg_sleep(0.3)", "-c", "select 'who-" + who + "-again'");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Executors.newVirtualThreadPerTaskExecutor()));
        }
        for (CompletableFuture<Psql.Result> run : runs) {
            Psql.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        Path script = work.resolve("bench.sql");
        Files.writeString(script, "select 'bench-marker';\n");
        ProcessBuilder bench = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "anyone", "-n",
                "-c", "4", "-j", "2", "-t", "5", "-f", script.toString(), "x")
                .redirectErrorStream(true).redirectOutput(work.resolve("pgbench.out").toFile());
        bench.environment().put("PGPASSWORD", "any");
        Process b = bench.start();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.exitValue()).as(Files.readString(work.resolve("pgbench.out"))).isZero();

        sessionId = stack.get("/api/sessions?connection=pg&verb=connect").get("data").get(0).get("id").asText();
        JsonNode detail = stack.get("/api/sessions/" + sessionId + "?events_limit=10000");
        assertThat(detail.get("live").asBoolean()).as("read from the running session's file").isTrue();
        assertThat(detail.get("session").get("status").asText()).isEqualTo("open");
        List<JsonNode> all = events(detail);
        assertThat(detail.get("events_total").asLong()).isEqualTo(all.size());

        Set<Long> psqlConnections = new HashSet<>();
        for (String who : List.of("A", "B", "C")) {
            List<JsonNode> first = inputs(all, "select 'who-" + who + "'");
            assertThat(first).as(who).hasSize(1);
            long n = first.getFirst().get("connection").asLong();
            assertThat(n).isPositive();
            psqlConnections.add(n);
            // that client connection alone: opened, its statements in order, closed; nobody else's
            List<JsonNode> mine = events(stack.get("/api/sessions/" + sessionId + "?connection=" + n));
            assertThat(mine).allSatisfy(e -> assertThat(e.get("connection").asLong()).isEqualTo(n));
            assertThat(mine.getFirst().get("type").asText()).isEqualTo("c");
            assertThat(mine.getLast().get("type").asText()).isEqualTo("x");
            assertThat(mine.stream().filter(e -> e.get("type").asText().equals("i")).map(e -> e.get("data").asText()).toList())
                    .containsExactly("select 'who-" + who + "'", "select pg_sleep(0.3)", "select 'who-" + who + "-again'");
        }
        assertThat(psqlConnections).as("three psql, three client connections").hasSize(3);

        List<JsonNode> bench4 = inputs(all, "select 'bench-marker';");
        assertThat(bench4).hasSize(20);
        Set<Long> benchConnections = new HashSet<>();
        bench4.forEach(e -> benchConnections.add(e.get("connection").asLong()));
        assertThat(benchConnections).hasSize(4).doesNotContainAnyElementsOf(psqlConnections);

        long opened = all.stream().filter(e -> e.get("type").asText().equals("c")).count();
        long closed = all.stream().filter(e -> e.get("type").asText().equals("x")).count();
        assertThat(opened).isGreaterThanOrEqualTo(7).isEqualTo(closed);
    }

    @Test
    @Order(2)
    void eventsArePagedAndTheAnswerSaysHowManyInAll() throws Exception {
        long total = stack.get("/api/sessions/" + sessionId).get("events_total").asLong();
        JsonNode first = stack.get("/api/sessions/" + sessionId + "?events_limit=3");
        assertThat(first.get("events")).hasSize(3);
        assertThat(first.get("events_total").asLong()).isEqualTo(total);
        JsonNode last = stack.get("/api/sessions/" + sessionId + "?events_offset=" + (total - 1));
        assertThat(last.get("events")).hasSize(1);
        assertThat(last.get("events").get(0)).isEqualTo(stack.get("/api/sessions/" + sessionId + "?events_limit=10000").get("events").get((int) total - 1));
        HttpResponse<String> tooMany = stack.send("GET", "/api/sessions/" + sessionId + "?events_limit=10001", stack.token, null);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("events_limit '10001' is not valid (expected: a number from 1 to 10000)");
    }

    @Test
    @Order(3)
    void anotherUserCannotReadNorFollowTheSession() throws Exception {
        for (String path : List.of("", "/events", "/events?follow=true", "?connection=1")) {
            HttpResponse<String> r = stack.send("GET", "/api/sessions/" + sessionId + path, devToken, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain("who-A");
        }
        HoopProcess.Result cli = stack.hoop.run(Map.of("HOOP_APIURL", stack.api, "HOOP_TOKEN", devToken), "",
                "admin", "get", "sessions", sessionId, "--follow");
        assertThat(cli.exit()).isNotZero();
        assertThat(cli.err()).contains("session '" + sessionId + "' not found");
        assertThat(cli.out()).doesNotContain("who-A");
    }

    /** Last: it ends the connect session. */
    @Test
    @Order(4)
    void aLiveSessionIsFollowedOverSseAndWithTheCliUntilItEnds() throws Exception {
        BlockingQueue<String> sse = new LinkedBlockingQueue<>();
        CompletableFuture<List<String>> stream = CompletableFuture.supplyAsync(() -> {
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(stack.api + "/api/sessions/" + sessionId + "/events?follow=true"))
                        .header("authorization", "Bearer " + stack.token).GET().build(), HttpResponse.BodyHandlers.ofLines());
                assertThat(r.statusCode()).isEqualTo(200);
                List<String> lines = new ArrayList<>();
                try (Stream<String> body = r.body()) {
                    body.forEach(l -> {
                        lines.add(l);
                        sse.add(l);
                    });
                }
                return lines;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
        Process cli = stack.hoop.start(stack.userEnv(), "follow", "admin", "get", "sessions", sessionId, "--follow");
        // both replay what was recorded before they came: once they show it, they follow
        awaitLine(sse, "who-C-again");
        HoopStack.await("the CLI shows what was recorded", WAIT, () -> stack.read("follow.out").contains("who-C-again"));

        assertThat(psql.run(port, "x", "-c", "select 'followed-live'").exit()).isZero();
        awaitLine(sse, "followed-live");
        HoopStack.await("the CLI shows the new statement", WAIT, () -> stack.read("follow.out").contains("select 'followed-live'"));
        assertThat(stream).isNotDone();
        assertThat(cli.isAlive()).isTrue();

        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("connect pg")) {
                child.destroy();
            }
        }
        List<String> lines = stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(lines).contains("event: end");
        assertThat(lines.getLast()).isEmpty();
        assertThat(lines.get(lines.size() - 2)).startsWith("data: {\"status\":\"done\"");
        assertThat(lines.stream().filter(l -> l.contains("followed-live")).count()).as("each event once").isEqualTo(1);
        assertThat(cli.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(stack.read("follow.err")).isZero();
        assertThat(stack.read("follow.out")).containsPattern("(?m)^\\[\\+\\d+\\.\\d{3}s\\] i #\\d+ select 'followed-live'$");
        assertThat(stack.read("follow.err")).contains("session " + sessionId + " ended (done");

        JsonNode stored = stack.get("/api/sessions/" + sessionId + "?events_limit=10000");
        assertThat(stored.get("live").asBoolean()).isFalse();
        long ids = lines.stream().filter(l -> l.startsWith("id: ")).count();
        assertThat(stored.get("events_total").asLong()).as("the stream had every stored event").isEqualTo(ids);
    }

    private static void awaitLine(BlockingQueue<String> lines, String part) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(part)) {
                return;
            }
        }
        throw new AssertionError("no SSE line with '" + part + "' within " + WAIT.toSeconds() + " s");
    }
}
