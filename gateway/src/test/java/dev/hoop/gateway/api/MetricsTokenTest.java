package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /metrics} with {@code METRICS_TOKEN} set: the token is required from every address, this host's included. */
class MetricsTokenTest {
    static final String TOKEN = "3f1c0a9b7e5d4c2b1a0f9e8d7c6b5a49-scrape";
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().env("HOOP_LISTEN_ADDR", "0.0.0.0").env("METRICS_TOKEN", TOKEN)
            .admin("boss@token.example", "boss-password");

    static HttpResponse<String> scrape(String host, Map<String, String> headers) throws Exception {
        return MetricsApiTest.get(host, fixture.gw().server.apiPort(), "/metrics", headers);
    }

    @Test
    void theRightTokenScrapesFromAnotherAddress() throws Exception {
        Optional<InetAddress> remote = MetricsApiTest.nonLoopbackAddress();
        assumeTrue(remote.isPresent(), "this host has no non-loopback IPv4 address to scrape from");
        HttpResponse<String> r = scrape(remote.get().getHostAddress(), Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(PromText.parse(r.body()).names()).contains("hoop_agents_online", "jvm_memory_used_bytes");
        // scheme names are case-insensitive (RFC 9110 §11.1), and a proxy in front may add headers
        assertThat(scrape("127.0.0.1", Map.of("Authorization", "bearer " + TOKEN, "X-Forwarded-For", "203.0.113.9")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void withoutTheRightTokenNobodyScrapesNotEvenThisHost() throws Exception {
        Map<String, Map<String, String>> attempts = Map.of(
                "no header", Map.of(),
                "a wrong token", Map.of("Authorization", "Bearer " + TOKEN.replace('3', '4')),
                "the token's prefix", Map.of("Authorization", "Bearer " + TOKEN.substring(0, 20)),
                "the token with more after it", Map.of("Authorization", "Bearer " + TOKEN + "x"),
                "the token as Basic", Map.of("Authorization", "Basic " + TOKEN),
                "the token without a scheme", Map.of("Authorization", TOKEN),
                "an admin's API token", Map.of("Authorization", "Bearer " + fixture.adminToken()));
        for (var attempt : attempts.entrySet()) {
            HttpResponse<String> r = scrape("127.0.0.1", attempt.getValue());
            assertThat(r.statusCode()).as(attempt.getKey()).isEqualTo(401);
            assertThat(TestGateway.JSON.readTree(r.body()).get("message").asText()).isEqualTo(MetricsApi.BAD_TOKEN);
            assertThat(r.body()).doesNotContain(TOKEN.substring(0, 8), "hoop_");
        }
    }
}
