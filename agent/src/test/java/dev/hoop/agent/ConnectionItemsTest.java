package dev.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionItemsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "myapp|myapp",
        "' MyApp-Redact , myapp-review '|myapp-redact,myapp-review",
        "env.APP_NAME|billing",
        "a,,b,a|a,b",
    })
    void parses(String value, String expected) {
        Env env = new Env(Map.of("HOOP_CONNECTION", value, "APP_NAME", "Billing"));
        assertThat(ConnectionItems.fromEnv(env)).isEqualTo(Arrays.asList(expected.split(",")));
    }

    @Test
    void unsetMeansNone() {
        assertThat(ConnectionItems.fromEnv(new Env(Map.of()))).isEmpty();
    }

    @Test
    void atMost255Characters() {
        String items = "x".repeat(150) + "," + "y".repeat(150);
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", items))))
                .isInstanceOf(ConfigException.class).hasMessage("HOOP_CONNECTION: 301 characters (expected: at most 255)");
        assertThat(ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "z".repeat(255))))).isEqualTo(List.of("z".repeat(255)));
    }

    @Test
    void anUnsetEnvReferenceIsAnError() {
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "env.NOPE"))))
                .hasMessage("HOOP_CONNECTION: 'env.NOPE' names variable NOPE, which is not set");
    }
}
