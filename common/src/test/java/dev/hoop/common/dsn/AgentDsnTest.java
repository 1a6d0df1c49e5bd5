package dev.hoop.common.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentDsnTest {
    private static final String SECRET = "xagt-0123456789abcdef0123456789abcdef";

    @Test
    void parsesEveryPart() {
        AgentDsn dsn = AgentDsn.parse("grpcs://prod:" + SECRET + "@gw.example.com:8443?mode=standard");
        assertThat(dsn.scheme()).isEqualTo("grpcs");
        assertThat(dsn.name()).isEqualTo("prod");
        assertThat(dsn.secret()).isEqualTo(SECRET);
        assertThat(dsn.host()).isEqualTo("gw.example.com");
        assertThat(dsn.port()).isEqualTo(8443);
        assertThat(dsn.mode()).isEqualTo("standard");
        assertThat(dsn.tls()).isTrue();
        assertThat(dsn.target()).isEqualTo("gw.example.com:8443");
    }

    @Test
    void defaultPortsFollowTheScheme() {
        assertThat(AgentDsn.parse("grpc://a:" + SECRET + "@127.0.0.1").port()).isEqualTo(8010);
        assertThat(AgentDsn.parse("https://a:" + SECRET + "@h").port()).isEqualTo(443);
        assertThat(AgentDsn.parse("http://a:" + SECRET + "@h").tls()).isFalse();
    }

    @Test
    void formatRoundTripsAndToStringHidesTheSecret() {
        AgentDsn dsn = AgentDsn.parse("grpc://a:" + SECRET + "@[::1]:9?mode=standard");
        assertThat(AgentDsn.parse(dsn.format())).isEqualTo(dsn);
        assertThat(dsn.toString()).doesNotContain(SECRET).contains("xagt-****");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://a:xagt-0123456789abcdef0123@h:1 | key scheme 'ftp' is not supported",
        "grpc://h:8010                        | key has no NAME:SECRET",
        "grpc://a:secret@h:8010               | key secret is malformed",
        "grpc://a:xagt-short@h:8010           | key secret is malformed",
        "grpc://a b:xagt-0123456789abcdef@h   | key is not a valid URL",
        "grpc://%20:xagt-0123456789abcdef@h   | key name '%20' is invalid",
        // found by AgentDsnFuzzTest: the secret without NAME: was echoed as an invalid name
        "grpcs://xagt-0123456789abcdefghij%8e@h | key has no ':' between NAME and SECRET (expected: grpcs://NAME:xagt-SECRET@HOST:PORT)",
        "'   '                                | empty key",
    })
    void rejectionsNameThePart(String dsn, String message) {
        assertThatThrownBy(() -> AgentDsn.parse(dsn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void missingHostIsNamed() {
        assertThatThrownBy(() -> AgentDsn.parse("grpc://a:" + SECRET + "@:8010"))
                .hasMessageStartingWith("key has no host");
    }
}
