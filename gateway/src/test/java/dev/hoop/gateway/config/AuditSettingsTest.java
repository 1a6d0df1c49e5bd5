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

class AuditSettingsTest {
    private static GatewayConfig config(Map<String, String> env) {
        return GatewayConfig.from(new Env(env), Path.of("/tmp/hoop-data"));
    }

    @Test
    void byDefaultRecordingsAreKeptForeverAndTheKeyIsGenerated() {
        assertThat(config(Map.of()).auditSettings()).isEqualTo(AuditSettings.DEFAULT);
        assertThat(config(Map.of("AUDIT_RETENTION_DAYS", "90")).auditSettings().retentionDays()).isEqualTo(90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "36501", "30d", "1.5", "forever"})
    void aWrongRetentionSaysWhatWasExpected(String days) {
        assertThatThrownBy(() -> config(Map.of("AUDIT_RETENTION_DAYS", days)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("AUDIT_RETENTION_DAYS: '" + days + "' (expected: a number of days from 1 to 36500; unset keeps sessions forever)");
    }

    @Test
    void theSigningKeyIsMaskedWhenTheConfigurationIsPrinted() {
        GatewayConfig cfg = config(Map.of("AUDIT_SIGNING_KEY", "MC4CAQAwBQYDK2VwBCIEIKeySecretMaterial"));
        assertThat(cfg.auditSettings().signingKey()).isEqualTo("MC4CAQAwBQYDK2VwBCIEIKeySecretMaterial");
        assertThat(cfg.toString()).contains("AuditSettings[signingKey=****, retentionDays=forever]").doesNotContain("KeySecretMaterial");
    }
}
