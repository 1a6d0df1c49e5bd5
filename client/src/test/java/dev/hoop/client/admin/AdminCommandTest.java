package dev.hoop.client.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.client.Cli;
import dev.hoop.client.FakeGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminCommandTest {
    @TempDir Path home;
    private FakeGateway gw;
    private Map<String, String> admin;

    @BeforeEach
    void start() throws Exception {
        gw = new FakeGateway();
        admin = Map.of("HOOP_APIURL", gw.url(), "HOOP_TOKEN", FakeGateway.ADMIN_TOKEN);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private Cli.Result hoop(String... args) {
        return Cli.run(home, admin, args);
    }

    @Test
    void createAgentPrintsOnlyTheDsnOnStdout() {
        Cli.Result r = hoop("admin", "create", "agent", "prod");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("grpc://prod:xagt-SECRET@127.0.0.1:18010?mode=standard\n");
        assertThat(r.err()).startsWith("agent 'prod' created; the key above is shown once");
        assertThat(gw.requests().get(0).body().toString()).isEqualTo("{\"name\":\"prod\",\"mode\":\"standard\"}");
    }

    @Test
    void getAgentsAsTableAndAsJson() throws Exception {
        hoop("admin", "create", "agent", "prod");
        hoop("admin", "create", "agent", "staging");

        Cli.Result table = hoop("admin", "get", "agents");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).isEqualTo("""
                ID    NAME     MODE      STATUS        HOSTNAME  VERSION
                id-1  prod     standard  DISCONNECTED  -         -
                id-2  staging  standard  DISCONNECTED  -         -
                """);

        Cli.Result json = hoop("admin", "get", "agents", "-o", "json");
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(1).get("name").asText()).isEqualTo("staging");
        assertThat(list.get(1).get("status").asText()).isEqualTo("DISCONNECTED");

        Cli.Result one = hoop("admin", "get", "agent", "prod", "-o", "json");
        assertThat(new ObjectMapper().readTree(one.out()).get("id").asText()).isEqualTo("id-1");
    }

    @Test
    void createConnectionSendsSecretsAndCommandButNeverPrintsSecretValues() {
        Cli.Result r = hoop("admin", "create", "connection", "pg", "--type", "postgres", "--agent", "prod",
                "-e", "HOST=db.internal", "-e", "PASS=s3cr=et", "--", "psql", "-h", "$HOST");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("connection 'pg' created (type postgres, agent prod, secrets: HOST, PASS)\n");
        assertThat(gw.requests().get(0).body().toString()).isEqualTo(
                "{\"name\":\"pg\",\"type\":\"postgres\",\"command\":[\"psql\",\"-h\",\"$HOST\"],"
                        + "\"secret\":{\"HOST\":\"db.internal\",\"PASS\":\"s3cr=et\"},\"agent_name\":\"prod\"}");

        Cli.Result list = hoop("admin", "get", "connections");
        assertThat(list.out()).isEqualTo("""
                NAME  TYPE      SUBTYPE  AGENT  COMMAND        SECRETS
                pg    postgres  -        prod   psql -h $HOST  HOST,PASS
                """);
        assertThat(list.out() + r.out() + r.err()).doesNotContain("s3cr=et").doesNotContain("db.internal");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--type mysql|--type: 'mysql' (expected: one of command-line, http, postgres, tcp)",
        "--type tcp -e 1BAD=x|-e: '1BAD' is not a variable name (expected KEY=VALUE with KEY of letters, digits and _)",
    })
    void badConnectionOptionsAreUsageErrors(String options, String message) {
        String[] args = ("admin create connection c --agent a " + options).split(" ");
        Cli.Result r = hoop(args);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(message + "\n");
        assertThat(gw.requests()).isEmpty();
    }

    @Test
    void createUserReadsThePasswordFromStdinAndSplitsGroups() {
        Cli.Result r = Cli.runWithStdin(home, admin, "pw-from-stdin\n",
                "admin", "create", "user", "bob@example.com", "--name", "Bob", "--groups", "admin, dev", "--password-stdin");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("user 'bob@example.com' created (id id-1)\n");
        assertThat(gw.requests().get(0).body().toString()).isEqualTo(
                "{\"email\":\"bob@example.com\",\"name\":\"Bob\",\"password\":\"pw-from-stdin\",\"groups\":[\"admin\",\"dev\"]}");
        assertThat(hoop("admin", "get", "users").out()).isEqualTo("""
                ID    EMAIL            NAME  GROUPS     STATUS
                id-1  bob@example.com  Bob   admin,dev  active
                """);
        assertThat(hoop("admin", "get", "user", "bob@example.com", "-o", "json").out()).contains("\"email\" : \"bob@example.com\"");
        assertThat(hoop("admin", "delete", "user", "bob@example.com").out()).isEqualTo("user 'bob@example.com' deleted\n");
        assertThat(gw.requests()).extracting(FakeGateway.Request::method, FakeGateway.Request::path)
                .endsWith(org.assertj.core.groups.Tuple.tuple("DELETE", "/api/users/bob@example.com"));
    }

    @Test
    void deleteThenGetShowsTheServersNotFound() {
        hoop("admin", "create", "agent", "old");
        Cli.Result deleted = hoop("admin", "delete", "agent", "old");
        assertThat(deleted.exit()).isZero();
        assertThat(deleted.out()).isEqualTo("agent 'old' deleted\n");

        Cli.Result missing = hoop("admin", "get", "agent", "old");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: agent 'old' not found\n");
    }

    @Test
    void conflictAndForbiddenShowTheServersMessage() {
        hoop("admin", "create", "agent", "dup");
        Cli.Result again = hoop("admin", "create", "agent", "dup");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: agent 'dup' already exists\n");

        Cli.Result forbidden = Cli.run(home, Map.of("HOOP_APIURL", gw.url(), "HOOP_TOKEN", FakeGateway.USER_TOKEN),
                "admin", "get", "users");
        assertThat(forbidden.exit()).isEqualTo(1);
        assertThat(forbidden.err()).isEqualTo("error: admin only\n");
    }

    @Test
    void withoutATokenNothingIsSent() {
        Cli.Result r = Cli.run(home, Map.of("HOOP_APIURL", gw.url()), "admin", "get", "agents");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: not logged in: run 'hoop login' (or set HOOP_TOKEN)\n");
        assertThat(gw.requests()).isEmpty();
    }

    @Test
    void everyAdminCommandHasHelp() {
        for (List<String> path : List.of(List.of("admin"), List.of("admin", "create"), List.of("admin", "get"),
                List.of("admin", "delete"), List.of("admin", "create", "agent"), List.of("admin", "create", "connection"),
                List.of("admin", "create", "user"), List.of("admin", "get", "agents"), List.of("admin", "get", "connections"),
                List.of("admin", "get", "users"), List.of("admin", "delete", "agent"), List.of("admin", "delete", "connection"),
                List.of("admin", "delete", "user"), List.of("login"), List.of("config"), List.of("config", "create"),
                List.of("config", "view"), List.of("config", "clear"))) {
            String[] args = new java.util.ArrayList<>(path) {{ add("--help"); }}.toArray(String[]::new);
            Cli.Result r = hoop(args);
            assertThat(r.exit()).as(String.join(" ", path)).isZero();
            assertThat(r.out()).as(String.join(" ", path)).startsWith("Usage: hoop " + String.join(" ", path)).doesNotContain("%%");
        }
        assertThat(hoop("login", "--help").out()).contains("printf '%s\\n' \"$PASSWORD\" | hoop login --email alice@example.com");
    }
}
