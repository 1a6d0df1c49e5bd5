package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RawInputAuditorTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"rows\":30,\"cols\":100}|{\"rows\":30,\"cols\":100}",
            "{\"cols\":100, \"rows\":30, \"extra\":\"x\"}|{\"rows\":30,\"cols\":100}",
            "{\"rows\":0,\"cols\":100}|",
            "{\"rows\":30,\"cols\":10001}|",
            "{\"rows\":\"30\",\"cols\":100}|",
            "{\"rows\":30.5,\"cols\":100}|",
            "{\"rows\":99999999999,\"cols\":100}|",
            "[30,100]|",
            "not json|",
            "''|"})
    void aResizeIsRecordedNormalizedOnlyWhenItIsAValidSize(String payload, String expected) {
        assertThat(RawInputAuditor.terminalSize(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void anOversizedResizeIsNotParsed() {
        String padded = "{\"rows\":30,\"cols\":100" + " ".repeat(300) + "}";
        assertThat(RawInputAuditor.terminalSize(padded.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
    }
}
