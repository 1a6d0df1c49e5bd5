package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Heroku page (seeds/hoop-heroku.txt) with the real binaries: {@code hoop admin create
 * clientkeys dev}, an agent started with that DSN in HOOP_DSN and HOOP_CONNECTION publishing
 * {@code dev:…} connections that run a shell in the agent's environment, the 255-character limit,
 * and a disabled or deleted key cutting the agent off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientKeysThroughHoopTest {
    @TempDir
    static Path work;
    HoopStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work);
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    void aClientKeysAgentPublishesItsConnectionsAndIsCutOffWhenTheKeyIsDisabled() throws Exception {
        HoopProcess.Result created = stack.exec("", "admin", "create", "clientkeys", "dev");
        assertThat(created.exit()).as(created.err()).isZero();
        String dsn = created.out().trim();
        assertThat(dsn).matches("grpc://dev:xagt-[A-Za-z0-9_-]{43}@127\\.0\\.0\\.1:" + stack.grpcPort + "\\?mode=standard");
        assertThat(created.err()).startsWith("client key 'dev' created; the DSN above is shown once");
        HoopProcess.Result twice = stack.exec("", "admin", "create", "clientkeys", "dev");
        assertThat(twice.exit()).isNotZero();
        assertThat(twice.err()).contains("client key 'dev' exists already").contains("--overwrite");

        // the agent beside the app: its environment is the app's
        Process agent = stack.hoop.start(Map.of("HOOP_DSN", dsn, "HOOP_CONNECTION", " MyApp , env.APP_NAME",
                "APP_NAME", "Billing", "LOG_ENCODING", "console"), "pub-agent", "start", "agent");
        HoopStack.await("dev:myapp and dev:billing are published", Duration.ofSeconds(30),
                () -> connectionNames().containsAll(List.of("dev:billing", "dev:myapp")));
        assertThat(stack.read("pub-agent.err")).doesNotContain(dsn.substring(dsn.indexOf("xagt-")));

        HoopProcess.Result listed = stack.exec("", "admin", "get", "connections");
        assertThat(listed.out()).containsPattern("dev:billing +command-line +- +dev/billing,myapp +bash")
                .containsPattern("dev:myapp +command-line +- +dev/billing,myapp +bash");
        HoopProcess.Result keys = stack.exec("", "admin", "get", "clientkeys");
        assertThat(keys.out()).containsPattern("^NAME +ACTIVE +CONNECTIONS +CREATED\n")
                .containsPattern("dev +true +dev:billing,dev:myapp +20");
        assertThat(keys.out()).doesNotContain("xagt-");

        // a shell in the agent's environment, without the agent's key
        HoopProcess.Result env = stack.exec("", "exec", "dev:myapp", "-i", "echo $APP_NAME; echo ${HOOP_DSN:-no HOOP_DSN}");
        assertThat(env.exit()).as(env.err()).isZero();
        assertThat(env.out()).isEqualTo("Billing\nno HOOP_DSN\n");
        HoopProcess.Result code = stack.exec("", "exec", "dev:billing", "-i", "exit 7");
        assertThat(code.exit()).isEqualTo(7);

        // a restart publishes again: the same connections, no duplicates
        agent.destroy();
        agent.waitFor(20, TimeUnit.SECONDS);
        agent = stack.hoop.start(Map.of("HOOP_DSN", dsn, "HOOP_CONNECTION", "myapp,env.APP_NAME", "APP_NAME", "billing",
                "LOG_ENCODING", "console"), "pub-agent2", "start", "agent");
        HoopStack.await("the agent is back", Duration.ofSeconds(30), () -> agentStatus("dev/billing,myapp").equals("CONNECTED"));
        assertThat(connectionNames().stream().filter(n -> n.startsWith("dev:")).toList()).containsExactly("dev:billing", "dev:myapp");

        // disabled with real curl: the agent is cut off at once and stays off
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
                "-H", "authorization: Bearer " + stack.token, "-H", "content-type: application/json",
                "-d", "{\"active\": false}", stack.api + "/api/clientkeys/dev").redirectErrorStream(true).start();
        assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("200");
        HoopStack.await("the agent is cut off", Duration.ofSeconds(10), () -> agentStatus("dev/billing,myapp").equals("DISCONNECTED"));
        HoopStack.await("the agent is refused on reconnecting", Duration.ofSeconds(30),
                () -> stack.read("pub-agent2.err").contains("gateway refused the key: client key 'dev' is disabled"));
        assertThat(agentStatus("dev/billing,myapp")).isEqualTo("DISCONNECTED");
        assertThat(agent.isAlive()).as("the agent keeps trying, as agents do").isTrue();

        // deleted: its connections leave the list
        HoopProcess.Result deleted = stack.exec("", "admin", "delete", "clientkeys", "dev");
        assertThat(deleted.out()).isEqualTo("client key 'dev' deleted\n");
        assertThat(connectionNames()).noneMatch(n -> n.startsWith("dev:"));
        agent.destroy();
        agent.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void overwriteIssuesANewDsnAndTheOldOneStops() throws Exception {
        String first = stack.exec("", "admin", "create", "clientkeys", "prod").out().trim();
        HoopProcess.Result again = stack.exec("", "admin", "create", "clientkeys", "prod", "--overwrite");
        assertThat(again.exit()).as(again.err()).isZero();
        String second = again.out().trim();
        assertThat(second).startsWith("grpc://prod:xagt-").isNotEqualTo(first);
        Process stale = stack.hoop.start(Map.of("HOOP_DSN", first, "HOOP_CONNECTION", "api", "LOG_ENCODING", "console"),
                "stale-agent", "start", "agent");
        HoopStack.await("the old DSN is refused", Duration.ofSeconds(30),
                () -> stack.read("stale-agent.err").contains("agent key rejected by the gateway"));
        assertThat(connectionNames()).doesNotContain("prod:api");
        stale.destroy();
        stale.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void aValueOver255CharactersOrAnUnsetVariableStopsTheAgent() throws Exception {
        String dsn = stack.exec("", "admin", "create", "clientkeys", "limits").out().trim();
        String items = String.join(",", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(64));
        HoopProcess.Result tooLong = stack.hoop.run(Map.of("HOOP_DSN", dsn, "HOOP_CONNECTION", items), "", "start", "agent");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).isEqualTo("hoop start agent: HOOP_CONNECTION: 256 characters (expected: at most 255)\n");

        HoopProcess.Result unset = stack.hoop.run(Map.of("HOOP_DSN", dsn, "HOOP_CONNECTION", "env.APP_NAME"), "", "start", "agent");
        assertThat(unset.exit()).isEqualTo(2);
        assertThat(unset.err()).isEqualTo("hoop start agent: HOOP_CONNECTION: 'env.APP_NAME' names variable APP_NAME, which is not set\n");
        assertThat(connectionNames()).noneMatch(n -> n.startsWith("limits:"));
    }

    private List<String> connectionNames() {
        try {
            JsonNode all = stack.get("/api/connections");
            return StreamSupport.stream(all.spliterator(), false).map(n -> n.get("name").asText()).sorted().toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String agentStatus(String name) {
        try {
            JsonNode all = stack.get("/api/agents");
            return StreamSupport.stream(all.spliterator(), false).filter(a -> a.get("name").asText().equals(name))
                    .map(a -> a.get("status").asText()).findFirst().orElse("ABSENT");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
