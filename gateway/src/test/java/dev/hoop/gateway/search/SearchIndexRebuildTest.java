package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.TestPostgres;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.Sessions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database is the truth, the index a copy: a deleted or damaged index is rebuilt at start, and
 * sessions the index missed (a crash before its commit) are indexed again at start.
 */
class SearchIndexRebuildTest {
    @TempDir
    Path folder;
    TestPostgres pg;
    TestGateway gw;

    @BeforeEach
    void database() {
        pg = TestPostgres.create();
    }

    @AfterEach
    void stop() {
        try {
            if (gw != null) {
                gw.close();
            }
        } finally {
            pg.close();
        }
    }

    private TestGateway start() throws InterruptedException {
        gw = TestGateway.start(TestGateway.env(folder.resolve("data"), Map.of("POSTGRES_DB_URI", pg.uri())));
        assertThat(gw.server.sessionIndex().awaitReady(Duration.ofSeconds(30))).isTrue();
        return gw;
    }

    private void restart() throws InterruptedException {
        gw.close();
        gw = null;
        start();
    }

    private UUID record(String input, boolean indexed) {
        Sessions sessions = new Sessions(gw.server.database().dataSource());
        UUID org = new Orgs(gw.server.database().dataSource()).ensure(Orgs.DEFAULT_ORG);
        UUID id = UUID.randomUUID();
        Instant t = Instant.now();
        sessions.opened(id, org, UUID.randomUUID(), "ops@example.com", "pg", "postgres", "exec", t);
        sessions.store(id, List.of(new AuditEvent(0, AuditEvent.INPUT, input.getBytes(StandardCharsets.UTF_8))));
        sessions.closed(id, 0, null, t.plusSeconds(1));
        if (indexed) {
            gw.server.sessionIndex().index(id);
        }
        return id;
    }

    private List<UUID> search(String token, String q) {
        TestGateway.Answer r = gw.get("/api/sessions?q=" + q, token);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<UUID> out = new ArrayList<>();
        r.json().get("data").forEach(n -> out.add(UUID.fromString(n.get("id").asText())));
        return out;
    }

    @Test
    void aDeletedOrDamagedIndexIsRebuiltFromTheDatabase() throws Exception {
        start();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).isEqualTo("no index yet");
        String admin = gw.registerAdmin("boss@example.com", "boss-password");
        UUID vacuum = record("VACUUM FULL invoices;", true);
        UUID reindex = record("REINDEX TABLE invoices;", true);
        assertThat(search(admin, "invoices")).containsExactlyInAnyOrder(vacuum, reindex);
        Path dir = gw.server.sessionIndex().dir();

        // a clean restart reads the index as it is
        restart();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).isNull();
        assertThat(search(admin, "invoices")).containsExactlyInAnyOrder(vacuum, reindex);

        // the folder deleted while stopped
        gw.close();
        gw = null;
        deleteTree(dir);
        start();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).isEqualTo("no index yet");
        assertThat(search(admin, "vacuum")).containsExactly(vacuum);
        assertThat(search(admin, "invoices")).containsExactlyInAnyOrder(vacuum, reindex);

        // bytes of the biggest file damaged while stopped (its checksum no longer matches)
        gw.close();
        gw = null;
        Path biggest;
        try (Stream<Path> files = Files.list(dir)) {
            biggest = files.filter(p -> !p.getFileName().toString().equals("write.lock"))
                    .max(Comparator.comparingLong(SearchIndexRebuildTest::size)).orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(biggest.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int was = raf.read();
            raf.seek(at);
            raf.write(~was);
        }
        start();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).startsWith("unreadable (");
        assertThat(search(admin, "invoices")).containsExactlyInAnyOrder(vacuum, reindex);

        // a segments file cut short
        gw.close();
        gw = null;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(p, new byte[] {1, 2, 3});
            }
        }
        start();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).startsWith("unreadable (");
        assertThat(search(admin, "reindex")).containsExactly(reindex);
    }

    @Test
    void sessionsTheIndexMissedAreIndexedAtTheNextStart() throws Exception {
        start();
        String admin = gw.registerAdmin("boss@example.com", "boss-password");
        UUID seen = record("TRUNCATE audit_log;", true);
        // written to the database, never to the index: a gateway that crashed between the two
        UUID missed = record("TRUNCATE audit_archive;", false);
        assertThat(search(admin, "truncate")).containsExactly(seen);
        restart();
        assertThat(gw.server.sessionIndex().rebuiltBecause()).isNull();
        assertThat(search(admin, "truncate")).containsExactlyInAnyOrder(seen, missed);
    }

    @Test
    void aSecondGatewayOnTheSameIndexIsRefusedNamingTheVariable() throws Exception {
        start();
        Path dir = gw.server.sessionIndex().dir();
        UUID defaultOrg = new Orgs(gw.server.database().dataSource()).ensure(Orgs.DEFAULT_ORG);
        Sessions sessions = new Sessions(gw.server.database().dataSource());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionIndex.open(dir.getParent(), defaultOrg, sessions))
                .isInstanceOf(dev.hoop.common.config.ConfigException.class)
                .hasMessage("PLUGIN_INDEX_PATH: the index in '" + dir + "' is in use by another gateway process "
                        + "(one gateway per database; stop the other one or give this one another PLUGIN_INDEX_PATH)");
        // the running gateway's index is untouched
        String admin = gw.registerAdmin("boss@example.com", "boss-password");
        UUID id = record("CLUSTER invoices;", true);
        assertThat(search(admin, "cluster")).containsExactly(id);
    }

    @Test
    void anIndexThatLooksDamagedIsNotRemovedWhileAnotherProcessHoldsItsLock() throws Exception {
        Path dir = folder.resolve("indexes").resolve("sessions-" + UUID.nameUUIDFromBytes(new byte[] {1}));
        Files.createDirectories(dir);
        Files.write(dir.resolve("segments_1"), new byte[] {9, 9, 9});
        try (var d = org.apache.lucene.store.FSDirectory.open(dir); var lock = d.obtainLock(org.apache.lucene.index.IndexWriter.WRITE_LOCK_NAME)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionIndex.open(dir.getParent(), UUID.nameUUIDFromBytes(new byte[] {1}), null))
                    .hasMessageStartingWith("PLUGIN_INDEX_PATH: the index in '" + dir + "' is in use by another gateway process");
            assertThat(Files.readAllBytes(dir.resolve("segments_1"))).containsExactly(9, 9, 9);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
