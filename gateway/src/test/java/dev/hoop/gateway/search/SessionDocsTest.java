package dev.hoop.gateway.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions.Session;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.apache.lucene.document.Document;
import org.junit.jupiter.api.Test;

class SessionDocsTest {
    static final Session SESSION = new Session(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "Dev@Example.com", "PG-Main", "postgres",
            "exec", "done", 2, null, OffsetDateTime.parse("2026-11-02T10:00:00Z"), OffsetDateTime.parse("2026-11-02T10:00:03Z"), 3);

    @Test
    void theSessionRoundTripsThroughItsStoredFields() {
        Document d = SessionDocs.of(SESSION, List.of());
        assertThat(SessionDocs.session(d)).isEqualTo(SESSION);
        assertThat(d.getValues(SessionDocs.IS)).containsExactly("done", "error"); // exit code 2
    }

    @Test
    void anOversizedRecordingIsCappedAndBinaryOutputDoesNotFail() {
        byte[] huge = "select 1;\n".repeat(100_000).getBytes(StandardCharsets.UTF_8); // 1,000,000 characters
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 'o', 'k'};
        Document d = SessionDocs.of(SESSION, List.of(new AuditEvent(0, AuditEvent.INPUT, huge), new AuditEvent(1, AuditEvent.INPUT, huge),
                new AuditEvent(2, AuditEvent.OUTPUT, binary), new AuditEvent(3, AuditEvent.ERROR, "boom".getBytes(StandardCharsets.UTF_8))));
        assertThat(d.get(SessionDocs.INPUT)).hasSize(SessionDocs.MAX_TEXT);
        assertThat(d.get(SessionDocs.OUTPUT)).isEqualTo("\ufffd\ufffdok\nboom\n");
    }
}
