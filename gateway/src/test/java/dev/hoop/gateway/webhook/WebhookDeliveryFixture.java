package dev.hoop.gateway.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.gateway.TestPostgres;
import dev.hoop.gateway.config.PostgresUri;
import dev.hoop.gateway.config.WebhookSettings;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.store.Webhooks.Delivery;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;

/**
 * What every webhook delivery test runs against: the real PostgreSQL (a database per test class),
 * a fresh org per test, real HTTP receivers and dispatchers that are closed after it, and the
 * webhook package's logs captured. The outbox is emptied after each test, so no dispatcher of the
 * next one finds its messages.
 */
abstract class WebhookDeliveryFixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    static TestPostgres pg;
    private static Database db;
    static Webhooks store;
    private static Orgs orgs;

    final List<AutoCloseable> closing = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    UUID org;

    @BeforeAll
    static void database() {
        pg = TestPostgres.create();
        db = Database.external(PostgresUri.parse(pg.uri()));
        store = new Webhooks(db.dataSource());
        orgs = new Orgs(db.dataSource());
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
        pg.close();
    }

    @BeforeEach
    void freshOrg() {
        org = orgs.ensure("org-" + UUID.randomUUID());
        ch.qos.logback.classic.Logger l = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.hoop.gateway.webhook");
        l.setLevel(Level.DEBUG);
        logs.start();
        l.addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.hoop.gateway.webhook")).detachAppender(logs);
        // nothing of this test is left for the next one's dispatcher
        pg.execHere("DELETE FROM hoop.webhook_outbox");
    }

    static WebhookSettings settings(int attempts, Duration timeout) {
        return new WebhookSettings(null, URI.create(WebhookSettings.DEFAULT_SVIX_URL), Duration.ofMillis(100), attempts, timeout);
    }

    WebhookDispatcher dispatcher(WebhookSettings s) {
        WebhookDispatcher d = WebhookDispatcher.start(store, s, Clock.systemUTC());
        closing.add(d);
        return d;
    }

    WebhookEvents events(WebhookDispatcher d, boolean svix) {
        return new WebhookEvents(store, svix, Clock.systemUTC(), d::wake);
    }

    TestReceiver receiver() throws IOException {
        TestReceiver r = new TestReceiver();
        closing.add(r);
        return r;
    }

    Webhooks.Endpoint endpoint(String name, String url, List<String> types) {
        return store.create(org, name, url, Signature.newSecret(), types);
    }

    static void awaitStatus(String msgId, String status) throws InterruptedException {
        TestReceiver.await(msgId + " " + status, WAIT, () -> {
            List<Delivery> rows = store.byMessage(msgId);
            return !rows.isEmpty() && rows.stream().allMatch(d -> d.status().equals(status));
        });
    }
}
