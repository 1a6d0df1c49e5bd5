package dev.hoop.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hoop.client.api.ApiException;
import dev.hoop.client.api.HoopApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewing the saved token with the refresh token, against a stand-in of the gateway's two routes
 * that matter ({@code POST /api/localauth/refresh}: one use per refresh token, as the gateway's
 * {@code LocalAuthApi}; {@code GET /api/agents}: 401 unless the token is a live one). The real
 * gateway's side is covered end to end in e2e {@code CliThroughHoopTest}.
 */
class SavedTokenTest {
    @TempDir Path home;
    private HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> liveTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        refreshTokens.add("xref-1");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            seen.add(ex.getRequestMethod() + " " + path + " " + auth);
            if (path.equals("/api/localauth/refresh")) {
                String rt = json.readTree(ex.getRequestBody().readAllBytes()).path("refresh_token").asText();
                if (!refreshTokens.remove(rt)) {
                    send(ex, 401, "{\"message\":\"invalid, used or expired refresh token (sign in again with 'hoop login')\"}");
                    return;
                }
                int n = refreshes.incrementAndGet();
                liveTokens.add("tok-" + n);
                refreshTokens.add("xref-" + (n + 1));
                send(ex, 200, "{\"token\":\"tok-" + n + "\",\"expires_at\":\"2026-12-04T10:00:00Z\",\"refresh_token\":\"xref-" + (n + 1) + "\"}");
            } else if (auth.equals("Bearer tok-disabled")) {
                send(ex, 401, "{\"message\":\"this user is disabled (ask an admin to enable it)\"}");
            } else if (liveTokens.contains(auth.replace("Bearer ", ""))) {
                send(ex, 200, "[]");
            } else {
                send(ex, 401, "{\"message\":\"missing or invalid token (expected: Authorization: Bearer <token>; sign in with 'hoop login')\"}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ConfigStore store(Map<String, String> env) {
        return new ConfigStore(home.resolve(".hoop/config.toml"), env);
    }

    private SavedToken token(Map<String, String> env) {
        return new SavedToken(store(env), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndTheNewPairSavedWithMode0600() throws Exception {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null, "xref-1", null));
        SavedToken token = token(Map.of());
        HoopApi api = new HoopApi(url(), token, null);

        assertThat(api.get("/api/agents").isArray()).isTrue();

        assertThat(seen).containsExactly("GET /api/agents Bearer tok-old", "POST /api/localauth/refresh null", "GET /api/agents Bearer tok-1");
        ClientConfig saved = store(Map.of()).loadFile();
        assertThat(saved).isEqualTo(new ClientConfig(url(), null, "tok-1", null, "xref-2", Instant.parse("2026-12-04T10:00:00Z")));
        Path file = home.resolve(".hoop/config.toml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContain("tok-old").doesNotContain("xref-1\"");
    }

    @Test
    void anExpiredTokenIsRenewedBeforeTheCall() {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null, "xref-1", now.plusSeconds(30)));
        assertThat(token(Map.of()).value()).isEqualTo("tok-1"); // within a minute of expiring: renewed
        assertThat(seen).containsExactly("POST /api/localauth/refresh null");

        store(Map.of()).save(new ClientConfig(url(), null, "tok-1", null, "xref-2", now.plusSeconds(3600)));
        assertThat(token(Map.of()).value()).isEqualTo("tok-1"); // an hour left: kept
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void twoCommandsRenewingTogetherUseOneRefreshBetweenThem() throws Exception {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null, "xref-1", null));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> renewed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                renewed.add(pool.submit(() -> token(Map.of()).renew("tok-old")));
            }
            for (Future<String> f : renewed) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("tok-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void aRefusedRefreshTokenSaysToLogInOnceAndIsForgotten() {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null, "xref-used", null));
        HoopApi api = new HoopApi(url(), token(Map.of()), null);
        Path file = home.resolve(".hoop/config.toml");
        assertThatThrownBy(() -> api.get("/api/agents")).isInstanceOf(ApiException.class)
                .hasMessage("the gateway refused the token saved in " + file + " (expired or invalid; renewing it failed: "
                        + "the refresh token was refused (used, expired or revoked)): run 'hoop login'");
        assertThat(store(Map.of()).loadFile().refreshToken()).isNull();
    }

    @Test
    void aTokenFromHoopTokenIsNeverRenewedAndTheMessageSaysWhereItCameFrom() {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null, "xref-1", now.minusSeconds(5)));
        Map<String, String> env = Map.of("HOOP_TOKEN", "tok-from-env");
        SavedToken token = token(env);
        assertThat(token.value()).isEqualTo("tok-from-env");
        HoopApi api = new HoopApi(url(), token, null);
        assertThatThrownBy(() -> api.get("/api/agents"))
                .hasMessage("the gateway refused the token from HOOP_TOKEN (expired or invalid): set HOOP_TOKEN to a valid token, "
                        + "or unset it to use the one 'hoop login' saves");
        assertThat(refreshes).hasValue(0);
        assertThat(store(Map.of()).loadFile().refreshToken()).isEqualTo("xref-1");
    }

    @Test
    void withoutARefreshTokenTheSavedTokensRefusalNamesTheFile() {
        store(Map.of()).save(new ClientConfig(url(), null, "tok-old", null));
        HoopApi api = new HoopApi(url(), token(Map.of()), null);
        assertThatThrownBy(() -> api.get("/api/agents"))
                .hasMessage("the gateway refused the token saved in " + home.resolve(".hoop/config.toml")
                        + " (expired or invalid): run 'hoop login'");
        assertThat(seen).containsExactly("GET /api/agents Bearer tok-old");
    }

    @Test
    void theGatewaysExpiryIsReadInBothJsonForms() {
        assertThat(SavedToken.instant("2026-12-04T10:00:00Z")).isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
        assertThat(SavedToken.instant("1796378400.5")).isEqualTo(Instant.ofEpochSecond(1796378400L, 500_000_000));
        assertThat(SavedToken.instant("soon")).isNull();
        assertThat(SavedToken.instant(null)).isNull();
    }

    @Test
    void theGatewaysSpecificReasonIsKeptAfterWhereTheTokenCameFrom() {
        HoopApi fromEnv = new HoopApi(url(), token(Map.of("HOOP_TOKEN", "tok-disabled")), null);
        assertThatThrownBy(() -> fromEnv.get("/api/agents"))
                .hasMessage("the gateway refused the token from HOOP_TOKEN: this user is disabled (ask an admin to enable it)");
        store(Map.of()).save(new ClientConfig(url(), null, "tok-disabled", null));
        HoopApi saved = new HoopApi(url(), token(Map.of()), null);
        assertThatThrownBy(() -> saved.get("/api/agents")).hasMessage("the gateway refused the token saved in "
                + home.resolve(".hoop/config.toml") + ": this user is disabled (ask an admin to enable it)");
    }
}
