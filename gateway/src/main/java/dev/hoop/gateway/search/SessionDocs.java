package dev.hoop.gateway.search;

import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions.Session;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;

/**
 * The index's document of one session: exact fields for the qualifiers, the recorded input and
 * output as analysed text (stored, for snippets), the start time for ranking ties and ranges.
 */
final class SessionDocs {
    static final String ID = "id";
    static final String ORG = "org";
    static final String USER_ID = "user_id";
    static final String USER = "user";
    static final String CONNECTION = "connection";
    static final String TYPE = "type";
    static final String VERB = "verb";
    static final String EXIT = "exit";
    static final String IS = "is";
    static final String STARTED = "started";
    static final String ENDED = "ended";
    static final String STATUS = "status";
    static final String ERROR = "error";
    static final String EVENTS = "events";
    static final String INPUT = "input";
    static final String OUTPUT = "output";
    /**
     * Characters of input and of output kept per session. Beyond it the text is not searchable (the
     * full recording stays in the database): it bounds the index's size and a rebuild's memory.
     */
    static final int MAX_TEXT = 256 * 1024;

    private SessionDocs() {}

    static Document of(Session s, List<AuditEvent> events) {
        Document d = new Document();
        d.add(new StringField(ID, s.id().toString(), Field.Store.YES));
        d.add(new StringField(ORG, s.orgId().toString(), Field.Store.YES));
        if (s.userId() != null) {
            d.add(new StringField(USER_ID, s.userId().toString(), Field.Store.YES));
        }
        if (s.userEmail() != null) {
            d.add(new StringField(USER, s.userEmail().toLowerCase(Locale.ROOT), Field.Store.NO));
            d.add(new StoredField("user_email", s.userEmail()));
        }
        d.add(new StringField(CONNECTION, s.connectionName().toLowerCase(Locale.ROOT), Field.Store.NO));
        d.add(new StoredField("connection_name", s.connectionName()));
        d.add(new StringField(TYPE, s.connectionType(), Field.Store.YES));
        d.add(new StringField(VERB, s.verb(), Field.Store.YES));
        d.add(new StringField(STATUS, s.status(), Field.Store.YES));
        if (s.exitCode() != null) {
            d.add(new IntPoint(EXIT, s.exitCode()));
            d.add(new StoredField(EXIT, s.exitCode()));
        }
        if (s.error() != null) {
            d.add(new StoredField(ERROR, s.error()));
        }
        boolean open = "open".equals(s.status());
        boolean failed = s.error() != null || (s.exitCode() != null && s.exitCode() != 0);
        d.add(new StringField(IS, open ? "open" : "done", Field.Store.NO));
        if (!open) {
            d.add(new StringField(IS, failed ? "error" : "ok", Field.Store.NO));
        }
        long started = s.startedAt().toInstant().toEpochMilli();
        d.add(new LongPoint(STARTED, started));
        d.add(new NumericDocValuesField(STARTED, started));
        d.add(new StoredField(STARTED, started));
        if (s.endedAt() != null) {
            d.add(new StoredField(ENDED, s.endedAt().toInstant().toEpochMilli()));
        }
        d.add(new StoredField(EVENTS, s.eventCount()));
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (AuditEvent e : events) {
            StringBuilder to = e.type() == AuditEvent.INPUT ? in : out;
            if (to.length() < MAX_TEXT) {
                String text = text(e.data());
                to.append(text, 0, Math.min(text.length(), MAX_TEXT - to.length()));
                if (to.length() < MAX_TEXT && !text.endsWith("\n")) {
                    to.append('\n');
                }
            }
        }
        d.add(new TextField(INPUT, in.toString(), Field.Store.YES));
        d.add(new TextField(OUTPUT, out.toString(), Field.Store.YES));
        return d;
    }

    /** The session as the API shows it, from a stored document. */
    static Session session(Document d) {
        return new Session(UUID.fromString(d.get(ID)), UUID.fromString(d.get(ORG)),
                d.get(USER_ID) == null ? null : UUID.fromString(d.get(USER_ID)), d.get("user_email"), d.get("connection_name"),
                d.get(TYPE), d.get(VERB), d.get(STATUS), d.getField(EXIT) == null ? null : d.getField(EXIT).numericValue().intValue(),
                d.get(ERROR), time(d, STARTED), time(d, ENDED), d.getField(EVENTS).numericValue().longValue());
    }

    private static OffsetDateTime time(Document d, String field) {
        var f = d.getField(field);
        return f == null ? null : Instant.ofEpochMilli(f.numericValue().longValue()).atOffset(ZoneOffset.UTC);
    }

    /** UTF-8 text; bytes that are not UTF-8 (binary output) become U+FFFD and are not searchable. */
    static String text(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return new String(data, StandardCharsets.UTF_8);
        }
    }
}
