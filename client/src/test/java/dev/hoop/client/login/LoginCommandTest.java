package dev.hoop.client.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.client.Cli;
import dev.hoop.client.FakeGateway;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.ConfigStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {
    @TempDir Path home;

    @Test
    void passwordOnStdinSavesTokenAndBothUrlsWithMode0600() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.runWithStdin(home, Map.of("HOOP_APIURL", gw.url()), FakeGateway.PASSWORD + "\n",
                    "login", "--email", FakeGateway.EMAIL);

            assertThat(r.err()).isEmpty();
            assertThat(r.exit()).isZero();
            Path file = home.resolve(".hoop/config.toml");
            assertThat(r.out()).isEqualTo("logged in to " + gw.url() + " as " + FakeGateway.EMAIL + " (token saved in " + file + ")\n");
            assertThat(new ConfigStore(file, Map.of()).loadFile())
                    .isEqualTo(new ClientConfig(gw.url(), "grpc://127.0.0.1:18010", FakeGateway.ADMIN_TOKEN, null,
                            "xref-fake-0123", java.time.Instant.parse("2030-01-01T00:00:00Z")));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(gw.requests()).extracting(FakeGateway.Request::path)
                    .containsExactly("/api/publicserverinfo", "/api/localauth/login");
        }
    }

    @Test
    void apiUrlOptionIsUsedAndSaved() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.runWithStdin(home, Map.of(), FakeGateway.PASSWORD + "\n", "login", "--api-url", gw.url() + "/", "--email", FakeGateway.EMAIL);
            assertThat(r.exit()).isZero();
            assertThat(new ConfigStore(home.resolve(".hoop/config.toml"), Map.of()).loadFile().apiUrl()).isEqualTo(gw.url());
        }
    }

    @Test
    void wrongPasswordShowsTheServersMessageAndSavesNothing() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.runWithStdin(home, Map.of("HOOP_APIURL", gw.url()), "nope\n", "login", "--email", FakeGateway.EMAIL);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: invalid email or password (HTTP 401; log in with 'hoop login')\n");
            assertThat(home.resolve(".hoop/config.toml")).doesNotExist();
        }
    }

    @Test
    void emptyStdinSaysHowToPipeThePassword() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.runWithStdin(home, Map.of("HOOP_APIURL", gw.url()), "", "login", "--email", "bob@example.com");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: no password on standard input: pipe it in, e.g. "
                    + "printf '%s\\n' \"$PASSWORD\" | hoop login --email bob@example.com\n");
        }
    }

    @Test
    void withoutEmailAndWithoutTerminalItSaysWhatToRun() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            Cli.Result r = Cli.run(home, Map.of("HOOP_APIURL", gw.url()), "login");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: no --email given and no terminal to ask on: run "
                    + "'hoop login --email EMAIL' with the password on standard input\n");
        }
    }

    @Test
    void anUnknownAuthMethodIsExplained() throws Exception {
        try (FakeGateway gw = new FakeGateway()) {
            gw.authMethod("ldap");
            Cli.Result r = Cli.runWithStdin(home, Map.of("HOOP_APIURL", gw.url()), "x\n", "login", "--email", "a@b.c");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: the gateway at " + gw.url() + " uses auth_method=ldap, which 'hoop login' does not know "
                    + "(expected: local or oidc)\n");
        }
    }
}
