package dev.hoop.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.wire.ConnectionParams;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpTargetTest {
    private static ConnectionParams params(String... envs) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < envs.length; i += 2) {
            m.put(envs[i], envs[i + 1]);
        }
        return new ConnectionParams("web", "http", List.of(), m);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://example.test|false|example.test|80||example.test",
        "https://example.test|true|example.test|443||example.test",
        "https://example.test:8443/api/|true|example.test|8443|/api|example.test:8443",
        "HTTP://Example.test:8080/a/b|false|example.test|8080|/a/b|example.test:8080",
        "http://[::1]:9000|false|::1|9000||[::1]:9000",
    })
    void aUrlGivesSchemeHostPortPrefixAndHostHeader(String url, boolean tls, String host, int port, String prefix, String hostHeader) {
        HttpTarget t = HttpTarget.of(params("URL", url));
        assertThat(t.tls()).isEqualTo(tls);
        assertThat(t.host()).isEqualToIgnoringCase(host);
        assertThat(t.port()).isEqualTo(port);
        assertThat(t.basePath()).isEqualTo(prefix == null ? "" : prefix);
        assertThat(t.hostHeader()).isEqualToIgnoringCase(hostHeader);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "URL|ftp://x|connection 'web' has URL with scheme 'ftp' (expected: http or https)",
        "URL|http://user:pw@x|connection 'web' has URL with a user and password (expected: none; put credentials in HEADER_Authorization)",
        "URL|http://x/?a=1|connection 'web' has URL with a query or fragment (expected: at most a path prefix)",
        "URL|http:///nohost|connection 'web' has URL without a host (expected: http(s)://host[:port][/prefix])",
        "PORT|80|connection 'web' has neither URL nor HOST (expected: URL=http(s)://host[:port][/prefix], or HOST and PORT)",
        "HOST|x|connection 'web' has PORT '' (expected: a port number from 1 to 65535)",
    })
    void aWrongTargetNamesTheVariable(String name, String value, String message) {
        assertThatThrownBy(() -> HttpTarget.of(params(name, value))).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "HEADER_|connection 'web' HEADER_ does not name a header (expected: HEADER_<Name>, e.g. HEADER_Authorization)",
        "HEADER_A(B|connection 'web' HEADER_A(B does not name a header (expected: HEADER_<Name>, e.g. HEADER_Authorization)",
    })
    void aWrongHeaderNameIsRefused(String env, String message) {
        assertThatThrownBy(() -> HttpTarget.of(params("HOST", "x", "PORT", "80", env, "v"))).hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a\rb", "a\nSet-Cookie: x", "a\u0000"})
    void aHeaderValueWithALineBreakIsRefusedWithoutShowingIt(String value) {
        assertThatThrownBy(() -> HttpTarget.of(params("HOST", "x", "PORT", "80", "HEADER_Authorization", value)))
                .hasMessage("connection 'web' HEADER_Authorization holds a line break or NUL (expected: a one-line header value)");
    }

    @org.junit.jupiter.api.Test
    void headersAreNamedByTheirEnvsAndToStringNeverShowsValues() {
        HttpTarget t = HttpTarget.of(params("HOST", "api", "PORT", "8080", "HEADER_Authorization", "Bearer s3cret",
                "HEADER_X_API_KEY", "k-secret", "OTHER", "ignored"));
        assertThat(t.headers()).isEqualTo(Map.of("authorization", "Bearer s3cret", "x-api-key", "k-secret"));
        assertThat(t.toString()).isEqualTo("http://api:8080 (adding headers [authorization, x-api-key])").doesNotContain("s3cret");
    }
}
