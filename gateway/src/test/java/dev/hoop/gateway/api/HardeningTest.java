package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.auth.LoginLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Login rate limits (per account, then per address) and the rule that no secret reaches a log
 * line: every line the gateway logs at DEBUG while passwords, tokens, agent keys, API keys and
 * connection secrets pass through it is searched for each of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HardeningTest {
    /** Logs captured from before the start, so that the first admin's registration is searched too. */
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("GIN_MODE", "debug").env("LOG_LEVEL", "debug")
            .captureLogs("dev.hoop").admin("boss@example.com", "boss-password-1");
    TestGateway gw;
    String admin;

    @BeforeAll
    void start() {
        gw = fixture.gw();
        admin = fixture.adminToken();
    }

    @Test
    @Order(1)
    void failedLoginsAreLimitedPerAccountAndASuccessResetsTheCount() {
        gw.post("/api/users", admin, Map.of("email", "slow@example.com", "password", "right-password"));
        for (int i = 0; i < LoginLimiter.MAX_PER_ACCOUNT - 1; i++) {
            assertThat(login("slow@example.com", "wrong-" + i).status()).isEqualTo(401);
        }
        assertThat(login("slow@example.com", "right-password").status()).isEqualTo(200);
        for (int i = 0; i < LoginLimiter.MAX_PER_ACCOUNT; i++) {
            assertThat(login("slow@example.com", "wrong-" + i).status()).isEqualTo(401);
        }
        TestGateway.Answer blocked = login("slow@example.com", "right-password");
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.message()).matches("too many failed logins; try again in \\d+ s");
        // another account from the same address still gets in until the address limit
        assertThat(login("boss@example.com", "boss-password-1").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void refreshTokensRenewTheAccessTokenOnceEachAndStopForDisabledUsers() {
        gw.post("/api/users", admin, Map.of("email", "fresh@example.com", "password", "fresh-password"));
        TestGateway.Answer login = login("fresh@example.com", "fresh-password");
        assertThat(login.status()).isEqualTo(200);
        String refresh = login.json().get("refresh_token").asText();
        assertThat(refresh).startsWith("xref-");

        TestGateway.Answer renewed = gw.post("/api/localauth/refresh", null, Map.of("refresh_token", refresh));
        assertThat(renewed.status()).as(renewed.raw()).isEqualTo(200);
        assertThat(gw.get("/api/userinfo", renewed.json().get("token").asText()).json().get("email").asText()).isEqualTo("fresh@example.com");
        String next = renewed.json().get("refresh_token").asText();
        assertThat(next).isNotEqualTo(refresh);

        TestGateway.Answer reused = gw.post("/api/localauth/refresh", null, Map.of("refresh_token", refresh));
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.message()).isEqualTo("invalid, used or expired refresh token (sign in again with 'hoop login')");

        // a password change by an admin ends the sign-ins made before it
        gw.call("PUT", "/api/users/fresh@example.com", admin, Map.of("password", "new-fresh-password"));
        assertThat(gw.post("/api/localauth/refresh", null, Map.of("refresh_token", next)).status()).isEqualTo(401);

        String last = login("fresh@example.com", "new-fresh-password").json().get("refresh_token").asText();
        gw.call("PUT", "/api/users/fresh@example.com", admin, Map.of("status", "disabled"));
        assertThat(gw.post("/api/localauth/refresh", null, Map.of("refresh_token", last)).status()).isEqualTo(401);
    }

    /** Last: it uses up this address's attempts for the rest of the window. */
    @Test
    @Order(3)
    void failedLoginsAreLimitedPerAddressAcrossAccounts() {
        // distinct unknown accounts, each under its own limit: the address limit stops them
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < LoginLimiter.MAX_PER_ADDRESS + 1; i++) {
            statuses.add(login("nobody" + i + "@example.com", "guess").status());
        }
        assertThat(statuses.getLast()).isEqualTo(429);
        assertThat(statuses.getFirst()).isEqualTo(401);
        assertThat(login("boss@example.com", "boss-password-1").status()).isEqualTo(429);
    }

    @Test
    @Order(2)
    void noSecretReachesAnyLogLine() {
        List<String> secrets = new ArrayList<>(List.of("boss-password-1", "dev-password-9", "wrong-guess-77"));
        gw.post("/api/users", admin, Map.of("email", "dev9@example.com", "password", "dev-password-9", "groups", List.of("eng")));
        String devToken = gw.login("dev9@example.com", "dev-password-9");
        secrets.add(devToken);
        secrets.add(admin);
        login("dev9@example.com", "wrong-guess-77");
        String dsn = gw.post("/api/agents", admin, Map.of("name", "log-agent")).json().get("token").asText();
        secrets.add(AgentDsn.parse(dsn).secret());
        String secretValue = "conn-secret-" + java.util.UUID.randomUUID();
        secrets.add(secretValue);
        gw.post("/api/connections", admin, Map.of("name", "log-db", "type", "postgres", "agent_name", "log-agent",
                "secret", Map.of("PASS", secretValue)));
        String key = gw.post("/api/apikeys", admin, Map.of("name", "log-key")).json().get("key").asText();
        secrets.add(key);
        assertThat(gw.get("/api/userinfo", key).status()).isEqualTo(200);
        gw.get("/api/userinfo", devToken + "x");
        gw.call("DELETE", "/api/apikeys/log-key", admin, null);
        gw.get("/api/userinfo", key);

        List<String> lines = fixture.logs().stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        // the debug request log is on, so the calls above were logged
        assertThat(lines).anyMatch(l -> l.contains("/api/apikeys"));
        for (String secret : secrets) {
            assertThat(lines).as("a log line contains a secret").noneMatch(l -> l.contains(secret));
        }
    }

    private TestGateway.Answer login(String email, String password) {
        return gw.post("/api/localauth/login", null, Map.of("email", email, "password", password));
    }
}
