package dev.hoop.client.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.client.Cli;
import dev.hoop.client.FakeGateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook admin commands' own checks; their calls to a real gateway are in e2e WebhooksThroughHoopTest. */
class WebhookCommandsTest {
    @TempDir Path home;
    private FakeGateway gw;
    private Map<String, String> admin;

    @BeforeEach
    void start() throws Exception {
        gw = new FakeGateway();
        admin = Map.of("HOOP_APIURL", gw.url(), "HOOP_TOKEN", FakeGateway.ADMIN_TOKEN);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void everyWebhookCommandHasHelp() {
        for (List<String> path : List.of(List.of("admin", "create", "webhook"), List.of("admin", "get", "webhooks"),
                List.of("admin", "delete", "webhook"))) {
            String[] args = new java.util.ArrayList<>(path) {{ add("--help"); }}.toArray(String[]::new);
            Cli.Result r = Cli.run(home, admin, args);
            assertThat(r.exit()).as(String.join(" ", path)).isZero();
            assertThat(r.out()).startsWith("Usage: hoop " + String.join(" ", path));
        }
    }

    @Test
    void createNeedsAUrlAndDeliveriesNeedAName() {
        Cli.Result noUrl = Cli.run(home, admin, "admin", "create", "webhook", "sink");
        assertThat(noUrl.exit()).isEqualTo(2);
        assertThat(noUrl.err()).contains("Missing required option: '--url=URL'");
        Cli.Result noName = Cli.run(home, admin, "admin", "get", "webhooks", "--deliveries");
        assertThat(noName.exit()).isEqualTo(2);
        assertThat(noName.err()).contains("--deliveries needs the webhook's NAME");
        assertThat(gw.requests()).isEmpty();
    }

    @Test
    void createSendsNameUrlAndEvents() {
        Cli.Result r = Cli.run(home, admin, "admin", "create", "webhook", "sink", "--url", "https://hooks.example.com/h",
                "--events", "session.open, session.close");
        // the fake gateway has no /api/webhooks: what matters here is what was sent
        assertThat(r.exit()).isEqualTo(1);
        assertThat(gw.requests()).singleElement().satisfies(q -> {
            assertThat(q.method()).isEqualTo("POST");
            assertThat(q.path()).isEqualTo("/api/webhooks");
            assertThat(q.body().toString())
                    .isEqualTo("{\"name\":\"sink\",\"url\":\"https://hooks.example.com/h\",\"events\":[\"session.open\",\"session.close\"]}");
        });
    }
}
