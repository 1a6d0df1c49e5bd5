package dev.hoop.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.wire.ConnectionParams;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandsTest {
    private static final Map<String, String> ENV = Map.of("HOST", "db.internal", "PORT", "5432", "EMPTY", "");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "$HOST|db.internal",
        "${HOST}:${PORT}|db.internal:5432",
        "--port=$PORT|--port=5432",
        "$HOSTNAME_UNKNOWN|$HOSTNAME_UNKNOWN",
        "${NOPE}x|${NOPE}x",
        "a$EMPTY.b|a.b",
        "cost: $5|cost: $5",
        "$|$",
        "plain|plain",
    })
    void expandsVariables(String arg, String expected) {
        assertThat(Commands.expand(arg, ENV)).isEqualTo(expected);
    }

    @Test
    void postgresExecIsSqlOnTheAgentsConnectionNeverAProgram() {
        ConnectionParams pg = new ConnectionParams("pg", "postgres", List.of("psql"),
                Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "app", "PASS", "s3cret", "DB", "appdb"));
        assertThat(Commands.forExec(pg, List.of(), Map.of("PATH", "/usr/bin"))).isEqualTo(new ExecPlan.Sql());
        assertThatThrownBy(() -> Commands.forExec(pg, List.of("-c", "\\! id"), Map.of()))
                .hasMessage("connection 'pg' is a postgres connection: hoop exec takes no arguments after '--' for it"
                        + " (got 2); the agent runs the input as SQL itself, so pass the SQL with -i, -f or on stdin");
        // Terminals would need a program (psql, with the password in its environment): none is started.
        assertThatThrownBy(() -> Commands.resolve(pg, List.of(), Map.of()))
                .hasMessage("connection 'pg' is a postgres connection: the agent starts no program for it, so there is"
                        + " no interactive terminal; use 'hoop connect pg' with a client on your machine, or 'hoop exec pg -i SQL'");
    }

    @Test
    void otherConnectionsExecTheirCommand() {
        ConnectionParams shell = new ConnectionParams("sh", "command-line", List.of("sh", "-c", "echo $X"), Map.of("X", "1"));
        assertThat(Commands.forExec(shell, List.of("a"), Map.of("HOOP_DSN", "secret",
                "GOOGLE_APPLICATION_CREDENTIALS_JSON", "{\"private_key\":\"…\"}")))
                .isEqualTo(new CommandSpec(List.of("sh", "-c", "echo 1", "a"), Map.of("X", "1")));
    }

    @Test
    void aCommandLineConnectionWithoutCommandIsRefused() {
        ConnectionParams none = new ConnectionParams("empty", "command-line", List.of(), Map.of());
        assertThatThrownBy(() -> Commands.resolve(none, List.of(), Map.of()))
                .hasMessage("connection 'empty' (type command-line) has no command to run (set the connection's command)");
    }
}
