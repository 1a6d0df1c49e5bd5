package dev.hoop.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent's redaction counts are kept only when they are what they claim to be. */
class RedactionCountsTest {
    @Test
    void anObjectOfInfoTypesToCountsIsKept() {
        assertThat(Sessions.redactionCounts("{\"EMAIL_ADDRESS\":3,\"COLUMN\":0}")).isEqualTo(Map.of("EMAIL_ADDRESS", 3L, "COLUMN", 0L));
        assertThat(Sessions.redactionCounts("{}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "3", "\"x\"", "{\"email\":1}", "{\"EMAIL_ADDRESS\":-1}", "{\"EMAIL_ADDRESS\":1.5}",
        "{\"EMAIL_ADDRESS\":\"3\"}", "{\"EMAIL_ADDRESS\":{}}", "{\"A'); DROP TABLE x; --\":1}", "{\"EMAIL_ADDRESS\":1", "not json"})
    void anythingElseIsDropped(String json) {
        assertThat(Sessions.redactionCounts(json)).isNull();
    }

    @Test
    void oversizedSummariesAreDropped() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("\"T").append(i).append("\":1");
        }
        assertThat(Sessions.redactionCounts(many.append('}').toString())).isNull();
        assertThat(Sessions.redactionCounts("{\"A\":" + "1".repeat(5000) + "}")).isNull();
    }
}
