package dev.hoop.gateway.audit;

import dev.hoop.gateway.store.AuditEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends are queued, written off the caller's thread, and {@code written()} says when they are in the file. */
class AuditWriteTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<AuditEvent> events) {
        return events.stream().map(e -> e.type() + ":" + new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void whenWrittenCompletesTheEventsAreInTheFileInOrder() throws Exception {
        AuditLog audit = AuditLog.open(dir, new AuditLogTest.RecordingStore());
        UUID id = UUID.randomUUID();
        SessionRecording rec = audit.start(id);
        CompletableFuture<Void> nothingYet = rec.written();
        assertThat(nothingYet).isCompleted();
        assertThat(rec.written()).as("no append, same future").isSameAs(nothingYet);

        rec.input(utf8("select 1"));
        rec.output(utf8("1"));
        rec.error(utf8("oops"));
        rec.written().get(10, TimeUnit.SECONDS);

        assertThat(texts(WalFile.read(audit.fileOf(id)))).containsExactly("i:select 1", "o:1", "e:oops");
        rec.finish();
    }

    @Test
    void smallEventsGoIntoTheMappedWindowOnTheCallersThreadWithoutTheWriter() throws Exception {
        List<Runnable> started = new ArrayList<>();
        WalWriter writer = new WalWriter(started::add);
        WalFile file = WalFile.create(dir.resolve("m.wal"));
        CompletableFuture<Void> written = writer.append(file, new AuditEvent(0, 'i', utf8("select 1")));
        assertThat(written).as("in the page cache already").isCompleted();
        assertThat(started).as("no writer round").isEmpty();
        assertThat(texts(WalFile.read(dir.resolve("m.wal")))).as("readable before close, as after a crash").containsExactly("i:select 1");
        file.close();
        assertThat(java.nio.file.Files.size(dir.resolve("m.wal"))).as("cut to its records at close").isEqualTo(13 + 8);
    }

    @Test
    void anEventBiggerThanTheWindowGoesThroughTheWriterAndLaterOnesQueueBehindIt() throws Exception {
        List<Runnable> started = new ArrayList<>();
        WalWriter writer = new WalWriter(started::add);
        WalFile file = WalFile.create(dir.resolve("big.wal"));
        byte[] big = new byte[WalFile.WINDOW + 1];
        java.util.Arrays.fill(big, (byte) 'x');
        assertThat(writer.append(file, new AuditEvent(0, 'i', utf8("before")))).isCompleted();
        CompletableFuture<Void> bigWritten = writer.append(file, new AuditEvent(1, 'o', big));
        CompletableFuture<Void> after = writer.append(file, new AuditEvent(2, 'i', utf8("after")));
        assertThat(bigWritten).isNotDone();
        assertThat(after).as("queued behind the big one, not copied ahead of it").isNotDone();
        assertThat(started).hasSize(1);

        started.get(0).run();
        assertThat(bigWritten).isCompleted();
        assertThat(after).isCompleted();
        assertThat(writer.append(file, new AuditEvent(3, 'e', utf8("mapped again")))).as("the next window is mapped").isCompleted();
        file.close();
        List<AuditEvent> events = WalFile.read(dir.resolve("big.wal"));
        assertThat(events).extracting(AuditEvent::type).containsExactly('i', 'o', 'i', 'e');
        assertThat(events.get(1).data()).isEqualTo(big);
        assertThat(texts(List.of(events.get(2), events.get(3)))).containsExactly("i:after", "e:mapped again");
    }

    @Test
    void theBacklogCountsWhatWaitsForTheWriterAndEachWriteIsTimed() throws Exception {
        List<Runnable> started = new ArrayList<>();
        dev.hoop.gateway.metrics.GatewayMetrics metrics = dev.hoop.gateway.metrics.GatewayMetrics.create();
        WalWriter writer = new WalWriter(started::add, metrics.audit());
        WalFile file = WalFile.create(dir.resolve("backlog.wal"));
        byte[] big = new byte[WalFile.WINDOW + 1];
        writer.append(file, new AuditEvent(0, 'o', big));
        writer.append(file, new AuditEvent(1, 'i', utf8("after")));
        assertThat(writer.backlogEvents()).isEqualTo(2);
        assertThat(writer.backlogBytes()).isEqualTo(big.length + 5);

        started.get(0).run();
        assertThat(writer.backlogEvents()).isZero();
        assertThat(writer.backlogBytes()).isZero();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        metrics.scrape(out);
        // one write for the file's share of the batch
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\nhoop_audit_write_seconds_count 1\n");
        file.close();
    }

    @Test
    void aRecordCutShortByACrashEndsTheFile() throws Exception {
        WalFile file = WalFile.create(dir.resolve("cut.wal"));
        WalWriter writer = new WalWriter(Runnable::run);
        writer.append(file, new AuditEvent(0, 'i', utf8("kept")));
        writer.append(file, new AuditEvent(1, 'o', utf8("cut")));
        // a crash between the record's bytes and its type byte: the type byte is still zero
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("cut.wal"), java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), 13 + 4);
        }
        assertThat(texts(WalFile.read(dir.resolve("cut.wal")))).containsExactly("i:kept");
        file.close();
    }

    /** A file without a mapped window: every append goes through the writer. */
    private static WalFile channelOnly(Path path) throws IOException {
        return new WalFile(path, java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE));
    }

    @Test
    void oneWriterRoundTakesEveryPendingAppendOfEveryFile() throws IOException {
        List<Runnable> started = new ArrayList<>();
        WalWriter writer = new WalWriter(started::add);
        WalFile a = channelOnly(dir.resolve("a.wal"));
        WalFile b = channelOnly(dir.resolve("b.wal"));
        List<CompletableFuture<Void>> written = List.of(
                writer.append(a, new AuditEvent(0, 'i', utf8("a1"))),
                writer.append(b, new AuditEvent(0, 'i', utf8("b1"))),
                writer.append(a, new AuditEvent(1, 'o', utf8("a2"))));
        assertThat(started).as("one writer for the three appends").hasSize(1);
        assertThat(written).noneMatch(CompletableFuture::isDone);

        started.get(0).run();
        assertThat(written).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(texts(WalFile.read(dir.resolve("a.wal")))).containsExactly("i:a1", "o:a2");
        assertThat(texts(WalFile.read(dir.resolve("b.wal")))).containsExactly("i:b1");

        // idle again: the next append starts a new round
        writer.append(b, new AuditEvent(2, 'o', utf8("b2")));
        assertThat(started).hasSize(2);
        a.close();
        b.close();
    }

    @Test
    void aFailedWriteFailsItsAppendAndEveryLaterOne() throws Exception {
        AuditLog audit = TestAuditLogs.onFullDisk(dir, new AuditLogTest.RecordingStore());
        UUID id = UUID.randomUUID();
        SessionRecording rec = audit.start(id);
        rec.input(utf8("drop table t"));
        CompletableFuture<Void> first = rec.written();
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(UncheckedIOException.class)
                .hasMessage("audit: cannot write " + audit.fileOf(id) + " (session " + id + ")")
                .cause().hasMessage("No space left on device");

        rec.output(utf8("DROP TABLE"));
        assertThatThrownBy(() -> rec.written().join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(UncheckedIOException.class)
                .cause().hasMessage("an earlier write to " + audit.fileOf(id) + " failed: No space left on device");
        // ending the session does not hang on the failed writes, and stores what the file holds
        assertThat(rec.finish()).isTrue();
    }

    @Test
    void sessionsWrittenFromManyThreadsKeepEachThreadsOrder() throws Exception {
        AuditLogTest.RecordingStore store = new AuditLogTest.RecordingStore();
        AuditLog audit = AuditLog.open(dir, store);
        int sessions = 4;
        int threadsPerSession = 3;
        int appends = 300;
        List<SessionRecording> recordings = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            recordings.add(audit.start(UUID.randomUUID()));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(sessions * threadsPerSession)) {
            for (SessionRecording rec : recordings) {
                for (int t = 0; t < threadsPerSession; t++) {
                    String thread = "t" + t;
                    done.add(threads.submit(() -> {
                        go.await();
                        for (int i = 0; i < appends; i++) {
                            rec.input(utf8(thread + "-" + i));
                        }
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        for (SessionRecording rec : recordings) {
            rec.written().get(30, TimeUnit.SECONDS);
            assertThat(rec.finish()).isTrue();
            List<String> stored = store.stored.get(rec.sessionId()).stream().map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
            assertThat(stored).hasSize(threadsPerSession * appends);
            for (int t = 0; t < threadsPerSession; t++) {
                String prefix = "t" + t + "-";
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < appends; i++) {
                    expected.add(prefix + i);
                }
                assertThat(stored.stream().filter(x -> x.startsWith(prefix)).toList()).as(prefix).isEqualTo(expected);
            }
        }
    }
}
