package dev.hoop.gateway.auth.oidc;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginRedirectsTest {
    private static final URI API = URI.create("https://hoop.example.com");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                                      | https://hoop.example.com/callback",
            "''                                        | https://hoop.example.com/callback",
            "https://hoop.example.com/callback          | https://hoop.example.com/callback",
            "https://hoop.example.com:443/x?y=1         | https://hoop.example.com:443/x?y=1",
            "https://HOOP.example.com/callback          | https://HOOP.example.com/callback",
            "http://127.0.0.1:3587/callback             | http://127.0.0.1:3587/callback",
            "http://localhost:3587/callback             | http://localhost:3587/callback",
    })
    void accepted(String redirect, String expected) throws Exception {
        assertThat(LoginRedirects.checked(redirect, API)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:3587/callback        | token | abc.def-_x  | http://127.0.0.1:3587/callback?token=abc.def-_x",
            "https://hoop.example.com/cb?x=1       | token | t           | https://hoop.example.com/cb?x=1&token=t",
            "https://hoop.example.com/cb?          | error | a b&c=d     | https://hoop.example.com/cb?error=a+b%26c%3Dd",
            "https://hoop.example.com/cb#/login    | error | expired     | https://hoop.example.com/cb?error=expired#/login",
    })
    void finalRedirectCarriesTheTokenOrTheError(String redirect, String name, String value, String expected) {
        assertThat(LoginRedirects.withParameter(redirect, name, value)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://evil.example.com/cb     | redirect 'https://evil.example.com/cb' is not allowed (expected: a URL on https://hoop.example.com or on 127.0.0.1 for the CLI)",
            "http://hoop.example.com/cb      | redirect 'http://hoop.example.com/cb' is not allowed (expected: a URL on https://hoop.example.com or on 127.0.0.1 for the CLI)",
            "https://hoop.example.com:8443/  | redirect 'https://hoop.example.com:8443/' is not allowed (expected: a URL on https://hoop.example.com or on 127.0.0.1 for the CLI)",
            "/callback                       | redirect '/callback' is not an absolute http(s) URL",
            "javascript:alert(1)             | redirect 'javascript:alert(1)' is not an absolute http(s) URL",
            "https://a@hoop.example.com/     | redirect 'https://a@hoop.example.com/' must not carry a user name or password",
            "https://hoop example.com        | redirect 'https://hoop example.com' is not a URL (Illegal character in authority)",
    })
    void refused(String redirect, String message) {
        assertThatThrownBy(() -> LoginRedirects.checked(redirect, API)).isInstanceOf(OidcLoginException.class).hasMessage(message);
    }
}
