package dev.hoop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsSettingsTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef-metrics";

    private static GatewayConfig config(Map<String, String> env) {
        return GatewayConfig.from(new Env(env), Path.of("/tmp/hoop-data"));
    }

    @Test
    void withoutATokenOnlyThisHostMayScrape() {
        assertThat(config(Map.of()).metrics()).isEqualTo(MetricsSettings.LOOPBACK_ONLY);
        assertThat(config(Map.of("METRICS_TOKEN", TOKEN)).metrics().token()).isEqualTo(TOKEN);
    }

    @Test
    void theTokenIsMaskedWhenTheConfigurationIsPrinted() {
        GatewayConfig cfg = config(Map.of("METRICS_TOKEN", TOKEN));
        assertThat(cfg.toString()).contains("MetricsSettings[token=****]").doesNotContain("0123456789abcdef");
    }

    @ParameterizedTest
    @ValueSource(strings = {"short-secret-123", "0123456789abcdef0123456789abcde"})
    void aShortTokenIsRefusedWithoutEchoingIt(String token) {
        assertThatThrownBy(() -> config(Map.of("METRICS_TOKEN", token)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("METRICS_TOKEN: " + token.length() + " characters (expected: at least 32, e.g. `openssl rand -hex 32`)")
                .message().doesNotContain(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcdef 0123456789abcdef", "0123456789abcdef\r\nX-Injected: 0123456789abcdef", "0123456789abcdef0123456789abcdéf"})
    void aTokenThatCannotTravelInAHeaderIsRefusedWithoutEchoingIt(String token) {
        assertThatThrownBy(() -> config(Map.of("METRICS_TOKEN", token)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("METRICS_TOKEN: contains spaces or characters outside printable ASCII")
                .message().doesNotContain("0123456789abcdef");
    }
}
