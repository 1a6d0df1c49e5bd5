package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.wire.ConnectionParams;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PostgresTargetTest {

    private static ConnectionParams params(Map<String, String> envs) {
        return new ConnectionParams("pg", "postgres", null, envs);
    }

    @Test
    void defaultsPortAndDatabaseAndHidesThePassword() {
        PostgresTarget t = PostgresTarget.from(params(Map.of("HOST", "db", "USER", "app", "PASS", "s3cret")));
        assertThat(t).isEqualTo(new PostgresTarget("db", 5432, "app", "s3cret", "app", ServerTls.DISABLED));
        assertThat(t.toString()).isEqualTo("PostgresTarget[db:5432, user=app, database=app, sslmode=disable]").doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HOST||HOST: missing (expected: set in the connection's secrets)",
            "USER| |USER: missing (expected: set in the connection's secrets)",
            "PORT|0|PORT: '0' (expected: a number from 1 to 65535)",
            "PORT|abc|PORT: 'abc' (expected: a number from 1 to 65535)",
            "SSLMODE|always|SSLMODE: 'always' (expected: disable, allow, prefer, require, verify-ca or verify-full)",
            "SSLROOTCERT|%%%|SSLROOTCERT: not base64 (expected: base64 of a PEM CERTIFICATE)",
    })
    void badSettingsNameTheVariable(String name, String value, String message) {
        Map<String, String> envs = new HashMap<>(Map.of("HOST", "db", "USER", "app", "PORT", "5432", "SSLMODE", "verify-full"));
        envs.put(name, value == null ? "" : value);
        assertThatThrownBy(() -> PostgresTarget.from(params(envs))).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
