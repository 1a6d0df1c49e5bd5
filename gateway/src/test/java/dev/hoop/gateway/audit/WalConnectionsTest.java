package dev.hoop.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.gateway.store.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events of client connections in the write-ahead file: stored as upper-case records with the
 * connection's number, read back as they were; files of earlier gateways (lower-case records only)
 * read as before; and a running session's file read a little more at a time (the live view).
 */
class WalConnectionsTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<AuditEvent> events) {
        return events.stream().map(e -> e.type() + "#" + e.connection() + ":" + new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    private static final List<AuditEvent> MIXED = List.of(
            new AuditEvent(0, AuditEvent.CONNECTION_OPENED, utf8("client connection 1 opened"), 1),
            new AuditEvent(1, AuditEvent.INPUT, utf8("select 1"), 1),
            new AuditEvent(2, AuditEvent.INPUT, utf8("session-wide")),
            new AuditEvent(3, AuditEvent.INPUT, utf8("select 2"), Long.MAX_VALUE),
            new AuditEvent(4, AuditEvent.CONNECTION_CLOSED, utf8("client connection 1 closed"), 1));

    @Test
    void connectionEventsRoundTripThroughTheMappedWindow() throws Exception {
        WalFile file = WalFile.create(dir.resolve("m.wal"));
        for (AuditEvent e : MIXED) {
            assertThat(file.tryAppendMapped(e)).isTrue();
        }
        assertThat(WalFile.read(dir.resolve("m.wal"))).containsExactlyElementsOf(MIXED);
        file.close();
        assertThat(WalFile.read(dir.resolve("m.wal"))).containsExactlyElementsOf(MIXED);
        // on disk: the connection's record type is upper case, the session-wide one lower case
        byte[] raw = Files.readAllBytes(dir.resolve("m.wal"));
        assertThat((char) raw[0]).isEqualTo('C');
        assertThat(raw.length).isEqualTo(5 * 13 + 4 * 8 + MIXED.stream().mapToInt(e -> e.data().length).sum());
    }

    @Test
    void connectionEventsRoundTripThroughTheWriter() throws Exception {
        Path path = dir.resolve("w.wal");
        WalFile file = new WalFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        file.queued(MIXED.size());
        file.append(MIXED, MIXED.size());
        file.close();
        assertThat(WalFile.read(path)).containsExactlyElementsOf(MIXED);
    }

    /** The format before connections were recorded, byte by byte: a crash left it, the new gateway flushes it. */
    @Test
    void aFileOfAnEarlierGatewayReadsAsBefore() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (String[] r : new String[][] {{"i", "select 1"}, {"o", "1"}, {"e", "oops"}}) {
            out.writeByte(r[0].charAt(0));
            out.writeLong(7);
            out.writeInt(r[1].length());
            out.write(utf8(r[1]));
        }
        out.writeByte(0); // the rest of a mapped window
        Path old = dir.resolve(UUID.randomUUID() + ".wal");
        Files.write(old, bytes.toByteArray());

        assertThat(texts(WalFile.read(old))).containsExactly("i#0:select 1", "o#0:1", "e#0:oops");
        AuditLogTest.RecordingStore store = new AuditLogTest.RecordingStore();
        assertThat(AuditLog.open(dir, store).recover()).isEqualTo(1);
        assertThat(store.stored.values()).singleElement().satisfies(events ->
                assertThat(texts(events)).containsExactly("i#0:select 1", "o#0:1", "e#0:oops"));
    }

    @Test
    void aConnectionRecordWithoutAValidNumberEndsTheFile() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2 * (13 + 8) + 2);
        b.put((byte) 'I').putLong(0).putLong(3).putInt(1).put((byte) 'a');
        b.put((byte) 'I').putLong(0).putLong(0).putInt(1).put((byte) 'b'); // connection 0 cannot be written: not ours
        Files.write(dir.resolve("bad.wal"), b.array());
        assertThat(texts(WalFile.read(dir.resolve("bad.wal")))).containsExactly("i#3:a");

        ByteBuffer q = ByteBuffer.allocate(1 + 8 + 8);
        q.put((byte) 'Q').putLong(0).putLong(1); // an unknown type letter: ends the file
        Files.write(dir.resolve("unknown.wal"), q.array());
        assertThat(WalFile.read(dir.resolve("unknown.wal"))).isEmpty();
    }

    @Test
    void onlyLowerCaseTypeLettersAreWritten() throws Exception {
        assertThatThrownBy(() -> new AuditEvent(0, 'I', utf8("x"))).hasMessageContaining("expected: i, o, e, c, x, w or r");
        assertThatThrownBy(() -> new AuditEvent(0, 'i', utf8("x"), -1)).hasMessageContaining("connection -1 (expected: >= 0)");
    }

    @Test
    void aRunningFileIsReadALittleMoreAtATime() throws Exception {
        AuditLogTest.RecordingStore store = new AuditLogTest.RecordingStore();
        AuditLog audit = AuditLog.open(dir, store);
        UUID id = UUID.randomUUID();
        assertThat(audit.tail(id, 0)).as("no file yet").isEmpty();
        SessionRecording rec = audit.start(id);
        assertThat(audit.tail(id, 0)).hasValueSatisfying(t -> {
            assertThat(t.events()).isEmpty();
            assertThat(t.position()).isZero();
        });
        rec.connectionOpened(1);
        rec.input(1, utf8("select 1"));
        rec.written().join();
        AuditLog.Tail first = audit.tail(id, 0).orElseThrow();
        assertThat(texts(first.events())).containsExactly("c#1:client connection 1 opened", "i#1:select 1");

        rec.input(2, utf8("select 2"));
        rec.output(utf8("2"));
        rec.written().join();
        AuditLog.Tail second = audit.tail(id, first.position()).orElseThrow();
        assertThat(texts(second.events())).containsExactly("i#2:select 2", "o#0:2");
        assertThat(audit.tail(id, second.position()).orElseThrow().events()).isEmpty();
        assertThat(texts(audit.recorded(id).orElseThrow())).hasSize(4);

        rec.finish();
        assertThat(audit.tail(id, 0)).as("flushed: the file is gone").isEmpty();
        assertThat(texts(store.stored.get(id))).containsExactly("c#1:client connection 1 opened", "i#1:select 1", "i#2:select 2", "o#0:2");
    }

    @Test
    void aRecordWhoseTypeByteIsNotWrittenYetIsNotReadNorSkipped() throws Exception {
        WalFile file = WalFile.create(dir.resolve("half.wal"));
        file.tryAppendMapped(new AuditEvent(0, 'i', utf8("done"), 2));
        file.tryAppendMapped(new AuditEvent(1, 'i', utf8("in progress"), 2));
        int second = 13 + 8 + 4;
        try (var ch = FileChannel.open(dir.resolve("half.wal"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0}), second); // as while the writer is still copying it
        }
        WalFile.Tail t = WalFile.readFrom(dir.resolve("half.wal"), 0);
        assertThat(texts(t.events())).containsExactly("i#2:done");
        assertThat(t.position()).isEqualTo(second);
        try (var ch = FileChannel.open(dir.resolve("half.wal"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'I'}), second); // now committed
        }
        assertThat(texts(WalFile.readFrom(dir.resolve("half.wal"), t.position()).events())).containsExactly("i#2:in progress");
        file.close();
    }
}
