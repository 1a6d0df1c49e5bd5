package dev.hoop.client.config;

import dev.hoop.client.tls.TlsCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigStoreTest {
    @TempDir Path home;

    private ConfigStore store(Map<String, String> env) {
        return new ConfigStore(home.resolve(".hoop/config.toml"), env);
    }

    @Test
    void savesWithMode0600AndReadsBackEveryKeyIncludingQuotesBackslashesAndNewlines() throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\"x\\y\n-----END CERTIFICATE-----\n";
        ClientConfig written = new ClientConfig("http://gw:8009", "grpcs://gw:8443", "tok\"en\\1", pem);
        store(Map.of()).save(written);

        Path file = home.resolve(".hoop/config.toml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(store(Map.of()).loadFile()).isEqualTo(written);
        assertThat(Files.readString(file)).contains("api_url = \"http://gw:8009\"\n", "token = \"tok\\\"en\\\\1\"\n");
    }

    @Test
    void missingFileIsAnEmptyConfig() {
        assertThat(store(Map.of()).load()).isEqualTo(ClientConfig.empty());
        assertThat(store(Map.of()).clear()).isFalse();
    }

    static Stream<Arguments> overrides() {
        return Stream.of(
                Arguments.of("HOOP_APIURL", "http://env:1", (Function<ClientConfig, String>) ClientConfig::apiUrl),
                Arguments.of("HOOP_GRPCURL", "grpc://env:2", (Function<ClientConfig, String>) ClientConfig::grpcUrl),
                Arguments.of("HOOP_TOKEN", "env-token", (Function<ClientConfig, String>) ClientConfig::token),
                Arguments.of("HOOP_TLSCA", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                        (Function<ClientConfig, String>) ClientConfig::tlsCa));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overrides")
    void environmentOverridesTheFile(String variable, String value, Function<ClientConfig, String> field) {
        store(Map.of()).save(new ClientConfig("http://file:8009", "grpc://file:8010", "file-token",
                "-----BEGIN CERTIFICATE-----\nFILE\n-----END CERTIFICATE-----\n"));
        ConfigStore withEnv = store(Map.of(variable, value));

        assertThat(field.apply(withEnv.load())).isEqualTo(value);
        assertThat(field.apply(withEnv.loadFile())).isNotEqualTo(value);
        assertThat(withEnv.overriddenKeys()).hasSize(1).first().asString().endsWith("(" + variable + ")");
    }

    @Test
    void hoopTlsCaMayNameAPemFile() throws Exception {
        String pem = new String(SelfSignedCertificate.generate("localhost").certPem(), java.nio.charset.StandardCharsets.US_ASCII);
        Path file = home.resolve("ca.pem");
        Files.writeString(file, pem);
        assertThat(store(Map.of("HOOP_TLSCA", file.toString())).load().tlsCa()).isEqualTo(pem);
        assertThatThrownBy(() -> store(Map.of("HOOP_TLSCA", "/no/such/ca.pem")).load())
                .hasMessageStartingWith("HOOP_TLSCA: cannot read '/no/such/ca.pem' (expected PEM text or the path of a PEM file)");
    }

    @Test
    void brokenTomlNamesTheFileAndTheWayOut() throws Exception {
        Path file = home.resolve(".hoop/config.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "api_url = \"unterminated\n");
        assertThatThrownBy(() -> store(Map.of()).load())
                .hasMessageStartingWith(file + ": not valid TOML (")
                .hasMessageEndingWith("); fix it or run 'hoop config clear'");
    }

    @Test
    void aNonStringValueIsRejectedByName() throws Exception {
        Path file = home.resolve(".hoop/config.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "api_url = 8009\n");
        assertThatThrownBy(() -> store(Map.of()).load())
                .hasMessage("config.toml: api_url is not a string; fix it or run 'hoop config clear'");
    }

    @Test
    void toStringMasksTheToken() {
        ClientConfig c = new ClientConfig("http://a", null, "supersecrettoken123", null);
        assertThat(c.toString()).doesNotContain("supersecrettoken123").contains("token=supe****");
    }
}
