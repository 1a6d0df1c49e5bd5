package dev.hoop.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void anEmptyConfigHasHipachesDefaults() throws IOException {
        RouterConfig c = ConfigLoader.load(write("{}"), false);
        RouterConfig.Server s = c.server();
        assertThat(s.accessLog()).isEqualTo("/var/log/hipache/access.log");
        assertThat(List.of(s.workers(), s.maxSockets(), s.tcpTimeout(), s.deadBackendTTL(), s.retryOnError()))
                .containsExactly(10, 100, 30, 30, 3);
        assertThat(s.deadBackendOn500()).isTrue();
        assertThat(s.httpKeepAlive()).isFalse();
        assertThat(s.staticDir()).isNull();
        assertThat(s.lruCache()).isNull();
        assertThat(c.http()).containsExactly(RouterConfig.Listener.plain("127.0.0.1", 80));
        assertThat(c.https()).isEmpty();
        assertThat(c.driver()).containsExactly("redis:");
        assertThat(c.user()).isEqualTo("www-data");
        assertThat(c.group()).isEqualTo("www-data");
    }

    @Test
    void bindAcceptsAddressesAndObjectsWithTheirOwnPort() throws IOException {
        RouterConfig c = ConfigLoader.load(write("""
                {"http": {"port": 8080, "bind": ["127.0.0.1", {"address": "::1", "port": 8081}]},
                 "server": {"lruCache": {"size": 10, "ttl": 2}}, "driver": ["redis://r1", "redis://:pw@r2"]}"""), false);
        assertThat(c.http()).containsExactly(RouterConfig.Listener.plain("127.0.0.1", 8080),
                RouterConfig.Listener.plain("::1", 8081));
        assertThat(c.server().lruCache()).isEqualTo(new RouterConfig.LruCache(10, 2));
        assertThat(c.driver()).containsExactly("redis://r1", "redis://:pw@r2");
    }

    @Test
    void badJsonGivesItsPosition() throws IOException {
        Path f = write("{\n  \"server\": {\"workers\": 2,}\n}");
        assertThatThrownBy(() -> ConfigLoader.load(f, false)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ": invalid JSON at line 2, column 27: Unexpected character ('}'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"server\": {\"workers\": 0}}                | server.workers: 0 (expected an integer from 1 to 1024)",
            "{\"server\": {\"tcpTimeout\": \"30\"}}        | server.tcpTimeout: \"30\" (expected an integer from 1 to 86400)",
            "{\"server\": {\"httpKeepAlive\": 1}}          | server.httpKeepAlive: 1 (expected true or false)",
            "{\"server\": []}                              | server: [] (expected a JSON object)",
            "{\"driver\": \"mongodb://x\"}                 | driver: bad URL 'mongodb://x': unknown scheme (expected redis://[:password@][host][:port][/db][#prefix] or file:<path>)",
            "{\"driver\": []}                              | driver: [] (expected a URL string or a non-empty list of URLs)",
            "{\"http\": {\"bind\": [42]}}                  | http.bind[0]: 42 (expected an address or {\"address\": ..., \"port\": ...})",
            "{\"https\": {\"bind\": \"127.0.0.1\"}}        | https.bind (127.0.0.1:443): https listener without a key (expected: https.key or \"key\" in the bind item)",
            "{\"server\": {\"staticDir\": \"/nope/nope\"}} | server.staticDir: '/nope/nope' is not a readable folder"})
    void badValuesAreNamedWithWhatWasExpected(String json, String message) throws IOException {
        Path f = write(json);
        assertThatThrownBy(() -> ConfigLoader.load(f, false)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void httpsNeedsACertAndReadableFiles() throws IOException {
        TlsMaterial m = SelfSignedCertificate.generate("localhost");
        Path key = dir.resolve("k.pem");
        Files.write(key, m.keyPem());
        Path f = write("{\"https\": {\"bind\": \"127.0.0.1\", \"key\": \"" + key + "\"}}");
        assertThatThrownBy(() -> ConfigLoader.load(f, false)).hasMessage(
                "https.bind (127.0.0.1:443): https listener without a cert (expected: https.cert or \"cert\" in the bind item)");
        Path g = write("{\"https\": {\"bind\": \"127.0.0.1\", \"key\": \"" + key + "\", \"cert\": \"/missing.crt\"}}");
        assertThatThrownBy(() -> ConfigLoader.load(g, false)).hasMessage(
                "https.bind (127.0.0.1:443) cert: cannot read '/missing.crt' (expected a readable PEM file)");
        Path h = write("{\"https\": {\"bind\": [{\"address\": \"127.0.0.1\", \"key\": \"" + key + "\", \"cert\": \""
                + key + "\", \"ca\": [\"/missing-ca.pem\"]}]}}");
        assertThatThrownBy(() -> ConfigLoader.load(h, false)).hasMessage(
                "https.bind[0] (127.0.0.1:443) ca: cannot read '/missing-ca.pem' (expected a readable PEM file)");
    }

    @Test
    void rootWithoutAUserIsAnError() throws IOException {
        Path f = write("{\"user\": null}");
        assertThatThrownBy(() -> ConfigLoader.load(f, true)).hasMessage("user: running as root without a user to drop "
                + "to (expected: \"user\": \"www-data\" or another account; \"root\" keeps root, which is strongly discouraged)");
        assertThat(ConfigLoader.load(f, false).user()).isNull();
    }

    @Test
    void settingsFlavorPicksTheConfigFile() {
        Path home = Path.of("/opt/hoop");
        assertThat(ConfigLoader.resolve(null, null, home)).isEqualTo(Path.of("/opt/hoop/config/config.json"));
        assertThat(ConfigLoader.resolve(null, "test", home)).isEqualTo(Path.of("/opt/hoop/config/config_test.json"));
        assertThat(ConfigLoader.resolve(Path.of("x.json"), "test", home)).isEqualTo(Path.of("x.json"));
    }

    @Test
    void dryRunCensorsSecrets() throws IOException {
        TlsMaterial m = SelfSignedCertificate.generate("localhost");
        Path key = dir.resolve("k.pem");
        Path cert = dir.resolve("c.pem");
        Files.write(key, m.keyPem());
        Files.write(cert, m.certPem());
        RouterConfig c = ConfigLoader.load(write("{\"https\": {\"bind\": \"127.0.0.1\", \"key\": \"" + key
                + "\", \"cert\": \"" + cert + "\", \"passphrase\": \"hunter2\"}, \"driver\": \"redis://:s3cret@h:1\"}"), false);
        String out = DryRun.render(c);
        assertThat(out).doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("BEGIN")
                .contains("redis://:********@h:1/0").contains(key + " (contents censored)").contains("\"passphrase\" : \"********\"");
    }
}
