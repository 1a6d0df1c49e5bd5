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
        String longest = String.join(",", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63));
        assertThat(ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", longest)))).hasSize(4);
        // one item over the limit: the limit is what the message names
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "z".repeat(256)))))
                .hasMessage("HOOP_CONNECTION: 256 characters (expected: at most 255)");
    }

    @Test
    void anUnsetEnvReferenceIsAnError() {
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "env.NOPE"))))
                .hasMessage("HOOP_CONNECTION: 'env.NOPE' names variable NOPE, which is not set");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "my app|HOOP_CONNECTION: item 'my app' is not valid (expected: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit; it becomes the connection KEY:my app)",
        "prod:db|HOOP_CONNECTION: item 'prod:db' is not valid (expected: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit; it becomes the connection KEY:prod:db)",
        "env.BAD|HOOP_CONNECTION: item 'a/b' is not valid (expected: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit; it becomes the connection KEY:a/b)",
    })
    void invalidItemsStopTheAgent(String value, String message) {
        Env env = new Env(Map.of("HOOP_CONNECTION", value, "BAD", "A/B"));
        assertThatThrownBy(() -> ConnectionItems.fromEnv(env)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void atMost32Items() {
        String many = String.join(",", java.util.stream.IntStream.range(0, 33).mapToObj(i -> "i" + i).toList());
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", many))))
                .hasMessage("HOOP_CONNECTION: 33 items (expected: at most 32)");
    }

    @Test
    void anItemOf65CharactersIsRefused() {
        assertThat(ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "a".repeat(64))))).containsExactly("a".repeat(64));
        assertThatThrownBy(() -> ConnectionItems.fromEnv(new Env(Map.of("HOOP_CONNECTION", "a".repeat(65)))))
                .hasMessageStartingWith("HOOP_CONNECTION: item 'aaaa");
    }
}
