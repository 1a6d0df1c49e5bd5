package dev.hoop.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed {@code agent.connection_params} found by WireFuzzTest: each must be a clear IllegalArgumentException. */
class ConnectionParamsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "null                               | malformed agent.connection_params: null (expected: a JSON object)",
            "'{\"command\":[\"psql\",null]}'    | malformed agent.connection_params: Cannot construct instance",
            "'{\"envs\":{\"PASS\":null}}'       | malformed agent.connection_params: Cannot construct instance",
    })
    void refusesWithTheReason(String json, String start) {
        assertThatThrownBy(() -> ConnectionParams.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(start);
    }

    /** The fuzzer's first finding: Jackson took these bytes for UTF-32 and threw an UncheckedIOException. */
    @org.junit.jupiter.api.Test
    void bytesThatLookLikeUtf32() {
        assertThatThrownBy(() -> ConnectionParams.fromJson(new byte[] {'\n', 0, 0, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed agent.connection_params: Illegal character ((CTRL-CHAR, code 0))");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'{\"command\":[\"psql\",null]}' | command holds a null argument (expected: strings)",
            "'{\"envs\":{\"PASS\":null}}'    | envs hold a null (expected: string names and values)",
    })
    void namesTheNull(String json, String reason) {
        assertThatThrownBy(() -> ConnectionParams.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining(reason);
    }

    @org.junit.jupiter.api.Test
    void roundTripsAndHidesSecrets() {
        ConnectionParams p = new ConnectionParams("pg", "postgres", java.util.List.of("psql"), java.util.Map.of("PASS", "s3cret"));
        assertThat(ConnectionParams.fromJson(p.toJson())).isEqualTo(p);
        assertThat(p.toString()).isEqualTo("ConnectionParams[name=pg, type=postgres, command=[psql], envs=[PASS]]");
    }
}
