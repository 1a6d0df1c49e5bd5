package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    /** Keeps what was stored, and can be told to fail like a database that is down. */
    static final class RecordingStore implements AuditStore {
        final Map<UUID, List<AuditEvent>> stored = new LinkedHashMap<>();
        boolean down;

        @Override
        public synchronized void store(UUID sessionId, List<AuditEvent> events) {
            if (down) {
                throw new IllegalStateException("database down");
            }
            stored.put(sessionId, new ArrayList<>(events));
        }
    }

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSessionIsStoredInOrderAndItsFileRemoved() {
        RecordingStore store = new RecordingStore();
        AuditLog audit = AuditLog.open(dir, store);
        UUID id = UUID.randomUUID();
        SessionRecording rec = audit.start(id);
        rec.input(utf8("select 1"));
        rec.output(utf8("1"));
        rec.error(utf8("oops"));
        assertThat(rec.finish()).isTrue();

        assertThat(store.stored.get(id)).extracting(AuditEvent::type).containsExactly('i', 'o', 'e');
        assertThat(store.stored.get(id)).extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
                .containsExactly("select 1", "1", "oops");
        assertThat(store.stored.get(id)).extracting(AuditEvent::offsetMillis).isSorted();
        assertThat(dir.resolve(id + ".wal")).doesNotExist();
        assertThatThrownBy(() -> rec.input(utf8("late"))).hasMessageContaining("already closed");
    }

    @Test
    void aDatabaseFailureKeepsTheFileAndRecoverFlushesItLater() {
        RecordingStore store = new RecordingStore();
        AuditLog audit = AuditLog.open(dir, store);
        UUID id = UUID.randomUUID();
        SessionRecording rec = audit.start(id);
        rec.input(utf8("delete from t"));
        store.down = true;
        assertThat(rec.finish()).isFalse();
        assertThat(dir.resolve(id + ".wal")).exists();

        store.down = false;
        assertThat(AuditLog.open(dir, store).recover()).isEqualTo(1);
        assertThat(store.stored.get(id)).singleElement().satisfies(e -> assertThat(e.data()).isEqualTo(utf8("delete from t")));
        assertThat(dir.resolve(id + ".wal")).doesNotExist();
    }

    @Test
    void aFileCutShortByACrashKeepsEveryCompleteRecord() throws IOException {
        RecordingStore store = new RecordingStore();
        AuditLog audit = AuditLog.open(dir, store);
        UUID id = UUID.randomUUID();
        SessionRecording rec = audit.start(id);
        rec.input(utf8("first"));
        rec.input(utf8("second"));
        rec.written().join();
        // what a kill in the middle of the third write leaves: a header and part of the data
        Files.write(dir.resolve(id + ".wal"), new byte[] {'i', 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 100, 'x'}, StandardOpenOption.APPEND);

        assertThat(AuditLog.open(dir, store).recover()).isEqualTo(1);
        assertThat(store.stored.get(id)).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("first", "second");
    }

    @Test
    void anUnwritableFolderIsAConfigErrorNamingTheVariable() throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-folder"));
        assertThatThrownBy(() -> AuditLog.open(file.resolve("sessions"), new RecordingStore()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PLUGIN_AUDIT_PATH: '" + file.resolve("sessions") + "' is not a writable folder");
    }

    @Test
    void foreignFilesAreLeftAlone() throws IOException {
        Files.writeString(dir.resolve("notes.wal"), "hello");
        RecordingStore store = new RecordingStore();
        assertThat(AuditLog.open(dir, store).recover()).isZero();
        assertThat(dir.resolve("notes.wal")).exists();
    }
}
