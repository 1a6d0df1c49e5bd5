package dev.hoop.agent.dlp.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.common.config.ConfigException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the DLP settings: defaults, and every wrong value named without echoing the key. */
class DlpSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultsAndTheCredentials() throws Exception {
        try (DlpStandIn dlp = new DlpStandIn()) {
            DlpSettings s = DlpSettings.fromEnv(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON",
                    dlp.credentialsJson().replace(dlp.baseUrl() + "/token", "https://oauth2.googleapis.com/token")));
            assertThat(s.endpoint()).hasToString("https://dlp.googleapis.com");
            assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.retries()).isEqualTo(2);
            assertThat(s.maxRows()).isEqualTo(1000);
            assertThat(s.maxBytes()).isEqualTo(400_000);
            assertThat(s.credentials().projectId()).isEqualTo("test-project");
            assertThat(s.credentials().clientEmail()).isEqualTo(DlpStandIn.CLIENT_EMAIL);
            assertThat(s.toString()).doesNotContain("PRIVATE").doesNotContain("MII").contains("key hidden");
        }
    }

    @Test
    void malformedJsonIsNamedWithoutQuotingIt() {
        String broken = "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIsecret";
        assertThatThrownBy(() -> DlpSettings.fromEnv(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", broken)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("GOOGLE_APPLICATION_CREDENTIALS_JSON: not valid JSON (expected: the service account key file's contents,"
                        + " {\"type\":\"service_account\",…})");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "type|authorized_user|GOOGLE_APPLICATION_CREDENTIALS_JSON: \"type\" is 'authorized_user' (expected: service_account)",
        "client_email||GOOGLE_APPLICATION_CREDENTIALS_JSON: \"client_email\" is missing (expected: the service account key file's contents)",
        "project_id|a/../../x|GOOGLE_APPLICATION_CREDENTIALS_JSON: \"project_id\" 'a/../../x' is not a project id (expected letters, digits, '-', '.', ':')",
        "private_key|-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----|GOOGLE_APPLICATION_CREDENTIALS_JSON: \"private_key\" is not an RSA private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----…) (InvalidKeySpecException)",
        "token_uri|http://evil.example/token|GOOGLE_APPLICATION_CREDENTIALS_JSON \"token_uri\": 'http://evil.example/token' (expected: an https URL, or http to 127.0.0.1/localhost for a local stand-in)",
    })
    void wrongFieldsAreNamed(String field, String value, String message) throws Exception {
        try (DlpStandIn dlp = new DlpStandIn()) {
            ObjectNode json = (ObjectNode) JSON.readTree(dlp.credentialsJson());
            if (value == null) {
                json.remove(field);
            } else {
                json.put(field, value.replace("\\n", "\n"));
            }
            assertThatThrownBy(() -> DlpSettings.fromEnv(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", json.toString())))
                    .isInstanceOf(ConfigException.class).hasMessage(message);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GOOGLE_DLP_ENDPOINT|http://dlp.example.com|GOOGLE_DLP_ENDPOINT: 'http://dlp.example.com' (expected: an https URL, or http to 127.0.0.1/localhost for a local stand-in)",
        "GOOGLE_DLP_TIMEOUT_MS|0|GOOGLE_DLP_TIMEOUT_MS: '0' (expected: a whole number from 1 to 600000)",
        "GOOGLE_DLP_RETRIES|many|GOOGLE_DLP_RETRIES: 'many' (expected: a whole number from 0 to 10)",
        "GOOGLE_DLP_MAX_BYTES|600000|GOOGLE_DLP_MAX_BYTES: '600000' (expected: a whole number from 1024 to 524288)",
        "GOOGLE_DLP_MAX_ROWS|-1|GOOGLE_DLP_MAX_ROWS: '-1' (expected: a whole number from 1 to 50000)",
    })
    void wrongSettingsAreNamed(String name, String value, String message) throws Exception {
        try (DlpStandIn dlp = new DlpStandIn()) {
            Map<String, String> env = new HashMap<>(dlp.env());
            env.put(name, value);
            assertThatThrownBy(() -> DlpSettings.fromEnv(env)).isInstanceOf(ConfigException.class).hasMessage(message);
        }
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theTokenIsKeptUntilAMinuteBeforeItExpires() throws Exception {
        try (DlpStandIn dlp = new DlpStandIn()) {
            DlpSettings s = DlpSettings.fromEnv(dlp.env());
            dlp.tokenLifetime = 62;
            MovingClock clock = new MovingClock();
            clock.now = Instant.now();
            AccessTokens tokens = new AccessTokens(s.credentials(), HttpClient.newHttpClient(), Duration.ofSeconds(10), clock);
            assertThat(tokens.get()).isEqualTo("tok-1");
            clock.now = clock.now.plusSeconds(1);
            assertThat(tokens.get()).isEqualTo("tok-1");
            clock.now = clock.now.plusSeconds(2); // 62 s - 60 s early: due
            assertThat(tokens.get()).isEqualTo("tok-2");
            assertThat(dlp.refusals).isEmpty();
        }
    }
}
