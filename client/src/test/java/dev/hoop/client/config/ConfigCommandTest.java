package dev.hoop.client.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.client.Cli;
import dev.hoop.client.FakeGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigCommandTest {
    @TempDir Path home;

    private ConfigStore store() {
        return new ConfigStore(home.resolve(".hoop/config.toml"), Map.of());
    }

    @Test
    void createAsksTheGatewayForItsGrpcUrl() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.run(home, Map.of(), "config", "create", "--api-url", gw.url());
            assertThat(r.exit()).isZero();
            assertThat(store().loadFile()).isEqualTo(new ClientConfig(gw.url(), "grpc://127.0.0.1:18010", null, null));
            assertThat(r.out()).contains("grpc_url = grpc://127.0.0.1:18010");
        }
    }

    @Test
    void createDerivesTheGrpcUrlWhenTheGatewayCannotBeAsked() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run(home, Map.of(), "config", "create", "--api-url", "http://127.0.0.1:" + port);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).startsWith("note: could not ask the gateway for its gRPC URL (cannot reach the gateway at");
        assertThat(store().loadFile().grpcUrl()).isEqualTo("grpc://127.0.0.1:8010");
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8009, grpc://127.0.0.1:8010",
        "https://hoop.example.com, grpcs://hoop.example.com:8010",
        "http://[::1]:8009, grpc://[::1]:8010",
    })
    void derivedGrpcUrl(String api, String grpc) {
        assertThat(ConfigCommand.derivedGrpcUrl(api)).isEqualTo(grpc);
    }

    @Test
    void theTokenIsKeptForTheSameGatewayAndDroppedForAnother() {
        store().save(new ClientConfig("http://a:8009", "grpc://a:8010", "tok-123456789", null));

        Cli.run(home, Map.of(), "config", "create", "--api-url", "http://a:8009", "--grpc-url", "grpc://a:9999");
        assertThat(store().loadFile()).isEqualTo(new ClientConfig("http://a:8009", "grpc://a:9999", "tok-123456789", null));

        Cli.run(home, Map.of(), "config", "create", "--api-url", "http://b:8009", "--grpc-url", "grpc://b:8010");
        assertThat(store().loadFile().token()).isNull();
    }

    @Test
    void aBadGrpcUrlIsRejectedAndNothingWritten() {
        Cli.Result r = Cli.run(home, Map.of(), "config", "create", "--api-url", "http://a:8009", "--grpc-url", "a:8010");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: --grpc-url: 'a:8010' (expected grpc://HOST:PORT, or grpcs://HOST:PORT for TLS)\n");
        assertThat(home.resolve(".hoop/config.toml")).doesNotExist();
    }

    @Test
    void viewMasksTheTokenAndNamesTheOverrides() {
        store().save(new ClientConfig("http://a:8009", "grpc://a:8010", "tok-0123456789abcdef", null));
        Cli.Result r = Cli.run(home, Map.of("HOOP_GRPCURL", "grpc://env:1"), "config", "view");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("file     = " + home.resolve(".hoop/config.toml") + "\n"
                + "api_url  = http://a:8009\n"
                + "grpc_url = grpc://env:1\n"
                + "token    = tok-**** (20 chars)\n"
                + "tls_ca   = (none)\n"
                + "overridden by the environment: grpc_url (HOOP_GRPCURL)\n");
    }

    @Test
    void clearRemovesTheFile() {
        store().save(new ClientConfig("http://a:8009", null, "t", null));
        assertThat(Cli.run(home, Map.of(), "config", "clear").out()).startsWith("removed ");
        assertThat(home.resolve(".hoop/config.toml")).doesNotExist();
        assertThat(Cli.run(home, Map.of(), "config", "clear").out()).startsWith("nothing to remove: ");
    }
}
