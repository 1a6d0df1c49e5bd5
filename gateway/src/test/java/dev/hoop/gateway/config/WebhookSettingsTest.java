package dev.hoop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSettingsTest {
    @Test
    void defaults() {
        WebhookSettings s = WebhookSettings.fromEnv(new Env(Map.of()));
        assertThat(s.svix()).isFalse();
        assertThat(s.svixUrl()).hasToString("https://api.svix.com");
        assertThat(s.retryDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxAttempts()).isEqualTo(12);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void readsEverySetting() {
        WebhookSettings s = WebhookSettings.fromEnv(new Env(Map.of("WEBHOOK_APPKEY", "sk_live.abc-123", "SVIX_URL", "http://127.0.0.1:9999/",
                "WEBHOOK_RETRY_DELAY", "250ms", "WEBHOOK_MAX_ATTEMPTS", "3", "WEBHOOK_TIMEOUT", "2s")));
        assertThat(s.svix()).isTrue();
        assertThat(s.svixUrl()).hasToString("http://127.0.0.1:9999");
        assertThat(s.retryDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void neverShowsTheAppKey() {
        WebhookSettings s = WebhookSettings.fromEnv(new Env(Map.of("WEBHOOK_APPKEY", "sk_very_secret")));
        assertThat(s.toString()).doesNotContain("sk_very_secret").contains("svix=****");
        GatewayConfig cfg = GatewayConfig.from(new Env(Map.of("WEBHOOK_APPKEY", "sk_very_secret")), java.nio.file.Path.of("/tmp/x"));
        assertThat(cfg.toString()).doesNotContain("sk_very_secret");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "SVIX_URL|ftp://svix.example|SVIX_URL: 'ftp://svix.example' (expected: an http or https base URL such as https://api.svix.com)",
        "SVIX_URL|http://user:pw@svix.example|SVIX_URL: 'http://user:pw@svix.example' (expected: an http or https base URL such as https://api.svix.com)",
        "WEBHOOK_RETRY_DELAY|5|WEBHOOK_RETRY_DELAY: '5' (expected: a duration such as 500ms, 5s or 1m, from 100ms to 1h)",
        "WEBHOOK_RETRY_DELAY|2h|WEBHOOK_RETRY_DELAY: '2h' (expected: a duration such as 500ms, 5s or 1m, from 100ms to 1h)",
        "WEBHOOK_MAX_ATTEMPTS|0|WEBHOOK_MAX_ATTEMPTS: '0' (expected: a number of attempts from 1 to 100)",
        "WEBHOOK_MAX_ATTEMPTS|1000|WEBHOOK_MAX_ATTEMPTS: '1000' (expected: a number of attempts from 1 to 100)",
        "WEBHOOK_TIMEOUT|500ms|WEBHOOK_TIMEOUT: '500ms' (expected: a duration such as 500ms, 5s or 1m, from 1s to 5m)",
        "WEBHOOK_APPKEY|a key|WEBHOOK_APPKEY: not a usable key (expected: the Svix API key, printable ASCII without spaces)",
    })
    void refusesWrongValuesNamingThem(String name, String value, String message) {
        assertThatThrownBy(() -> WebhookSettings.fromEnv(new Env(Map.of(name, value))))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
