package dev.hoop.client.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hoop.client.Cli;
import dev.hoop.client.config.ConfigStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop login} against a gateway with {@code auth_method=oidc}: the CLI listens for the
 * callback, asks {@code /api/login} with its redirect, and runs the browser ({@code HOOP_BROWSER},
 * here curl) on the login URL. The gateway's side of the flow (provider, callback) is tested in the
 * gateway module against a real provider; here the login URL leads straight back to the callback
 * with what a gateway would append, so the CLI's own part runs for real.
 */
class BrowserLoginTest {
    @TempDir Path home;
    HttpServer gateway;
    volatile String loginAnswer;

    @BeforeEach
    void start() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/api/publicserverinfo", ex -> send(ex, 200, "{\"auth_method\":\"oidc\",\"grpc_url\":\"grpc://127.0.0.1:18010\"}"));
        gateway.createContext("/api/login", ex -> {
            String q = URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
            String redirect = q.substring("redirect=".length());
            send(ex, 200, "{\"login_url\":\"" + redirect + loginAnswer + "\"}");
        });
        gateway.createContext("/api/userinfo", ex -> {
            boolean ok = "Bearer tok-123".equals(ex.getRequestHeaders().getFirst("Authorization"));
            send(ex, ok ? 200 : 401, ok ? "{\"email\":\"alice@example.com\"}" : "{\"message\":\"bad token\"}");
        });
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
    }

    private Cli.Result login(String browser, String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "login";
        args[1] = "--callback-port=0";
        args[2] = "--api-url=http://127.0.0.1:" + gateway.getAddress().getPort();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return Cli.run(home, Map.of("HOOP_BROWSER", browser), args);
    }

    @Test
    void tokenArrivingOnTheCallbackIsSaved() {
        loginAnswer = "?token=tok-123";
        Cli.Result r = login("curl -s -o /dev/null");
        assertThat(r.exit()).as(r.err()).isZero();
        Path file = home.resolve(".hoop/config.toml");
        assertThat(r.out()).isEqualTo("logged in to http://127.0.0.1:" + gateway.getAddress().getPort() + " as alice@example.com (token saved in "
                + file + ")\n");
        assertThat(r.err()).startsWith("Opening the browser to sign in. If it does not open, visit this URL:\n  http://127.0.0.1:");
        assertThat(new ConfigStore(file, Map.of()).loadFile().token()).isEqualTo("tok-123");
    }

    @Test
    void errorFromTheGatewayIsShown() {
        loginAnswer = "?error=access_denied";
        Cli.Result r = login("curl -s -o /dev/null");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).endsWith("error: the sign-in failed: access_denied\n");
    }

    @Test
    void noSignInBeforeTheTimeoutSaysSo() {
        loginAnswer = "?token=never-used";
        Cli.Result r = login("true", "--timeout-seconds=1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).endsWith("error: no sign-in completed within 1 s: finish the login in the browser sooner, or run 'hoop login' again\n");
    }

    @Test
    void aMissingBrowserStillPrintsTheUrl() {
        loginAnswer = "?token=never-used";
        Cli.Result r = login("no-such-browser-command", "--timeout-seconds=1");
        assertThat(r.err()).contains("(could not start 'no-such-browser-command': open the URL above yourself)");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
