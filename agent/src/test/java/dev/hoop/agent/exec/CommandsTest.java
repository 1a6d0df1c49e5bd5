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
    void postgresDefaultCommandWithPgpassword() {
        ConnectionParams pg = new ConnectionParams("pg", "postgres", List.of(),
                Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "app", "PASS", "s3cret", "DB", "appdb"));
        CommandSpec spec = Commands.resolve(pg, List.of("-c", "select 1"), Map.of("PATH", "/usr/bin", "HOOP_DSN", "x"));
        assertThat(spec.argv()).containsExactly("psql", "-A", "-F\t", "-P", "pager=off", "-h", "127.0.0.1", "-U", "app",
                "--port=5432", "appdb", "-c", "select 1");
        assertThat(spec.env()).containsEntry("PGPASSWORD", "s3cret").containsEntry("PATH", "/usr/bin").doesNotContainKey("HOOP_DSN");
        assertThat(spec.toString()).doesNotContain("s3cret");
    }

    @Test
    void aCommandLineConnectionWithoutCommandIsRefused() {
        ConnectionParams none = new ConnectionParams("empty", "command-line", List.of(), Map.of());
        assertThatThrownBy(() -> Commands.resolve(none, List.of(), Map.of()))
                .hasMessage("connection 'empty' (type command-line) has no command to run (set the connection's command)");
    }
}
