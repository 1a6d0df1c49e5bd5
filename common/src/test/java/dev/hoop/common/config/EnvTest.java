package dev.hoop.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void readsTypedValuesWithDefaults() {
        Env env = new Env(Map.of("A", " on ", "P", "8009", "L", "DEBUG", "BLANK", "  "));
        assertThat(env.bool("A", false)).isTrue();
        assertThat(env.port("P", 1)).isEqualTo(8009);
        assertThat(env.oneOf("L", "info", Set.of("debug", "info"))).isEqualTo("debug");
        assertThat(env.string("BLANK", "dflt")).isEqualTo("dflt");
        assertThat(env.port("MISSING", 7)).isEqualTo(7);
    }

    @Test
    void rejectionsNameTheVariableAndWhatWasExpected() {
        Env env = new Env(Map.of("A", "maybe", "P", "70000", "L", "loud"));
        assertThatThrownBy(() -> env.bool("A", false)).hasMessage("A: 'maybe' (expected: true or false, 1 or 0)");
        assertThatThrownBy(() -> env.port("P", 1)).hasMessage("P: '70000' (expected: a port number from 0 to 65535)");
        assertThatThrownBy(() -> env.oneOf("L", "info", Set.of("info", "debug")))
                .hasMessage("L: 'loud' (expected: one of debug, info)");
        assertThatThrownBy(() -> env.required("R", "a URL")).hasMessage("R: not set (expected: a URL)");
    }
}
