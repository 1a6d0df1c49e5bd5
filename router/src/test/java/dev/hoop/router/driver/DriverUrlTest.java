package dev.hoop.router.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DriverUrlTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "redis:                                 | 127.0.0.1 | 6379 | null   | 0 | ''",
            "redis://                               | 127.0.0.1 | 6379 | null   | 0 | ''",
            "redis://10.1.2.3                       | 10.1.2.3  | 6379 | null   | 0 | ''",
            "redis://:secret@10.1.2.3:6380/2#pre:   | 10.1.2.3  | 6380 | secret | 2 | pre:",
            "redis://user:secret@h:1/               | h         | 1    | secret | 0 | ''",
            "redis://[::1]:7000                     | ::1       | 7000 | null   | 0 | ''",
            "redis:///3                             | 127.0.0.1 | 6379 | null   | 3 | ''"})
    void parsesHipacheUrls(String url, String host, int port, String password, int db, String prefix) {
        DriverUrl d = DriverUrl.parse(url);
        assertThat(d).isEqualTo(new DriverUrl("redis", host, port, password, db, prefix, null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://x          | driver: bad URL 'http://x': unknown scheme",
            "redis://h:port    | driver: bad URL 'redis://h:port': port 'port' is not a number",
            "redis://h:99999   | driver: bad URL 'redis://h:99999': port 99999 out of range 1-65535",
            "redis://h/db      | driver: bad URL 'redis://h/db': database 'db' is not a number",
            "redis://:pw@h:x   | driver: bad URL 'redis://:********@h:x': port 'x' is not a number",
            "file:             | driver: bad URL 'file:': no file path"})
    void rejectsBadUrlsNamingThem(String url, String message) {
        assertThatThrownBy(() -> DriverUrl.parse(url)).isInstanceOf(ConfigException.class)
                .hasMessage(message + " (expected redis://[:password@][host][:port][/db][#prefix] or file:<path>)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"redis://:secret@h:1/0 | redis://:********@h:1/0", "redis: | redis://127.0.0.1:6379/0"})
    void censorsThePassword(String url, String shown) {
        assertThat(DriverUrl.parse(url).censored()).isEqualTo(shown);
        assertThat(DriverUrl.parse(url).toString()).doesNotContain("secret");
    }
}
