package dev.hoop.common.pgwire;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a client-to-server PostgreSQL byte stream, fed in chunks of any size, into the statements
 * the audit records: simple Query text and extended Parse/Bind/Execute (parameters included).
 * Statements of any size are read as they stream past, never buffered whole: each text keeps its
 * first {@code recordedBytes} bytes, its full length and its SHA-256; each Bind parameter its first
 * bytes (all parameters of one Bind together at most {@code recordedBytes}) and its length. COPY
 * data and every other message are skipped. Not thread-safe: one feeder per stream.
 */
public final class StatementExtractor {
    /** Default bytes of a statement text kept for the audit (the rest is counted and hashed). */
    public static final int DEFAULT_RECORDED_BYTES = 64 * 1024;

    private final FrontendFramer framer;
    private final int recordedBytes;
    private final List<StatementEvent> events = new ArrayList<>();

    public StatementExtractor() {
        this(DEFAULT_RECORDED_BYTES);
    }

    /** @param recordedBytes the bytes of each statement text (and of each Bind's parameters) kept */
    public StatementExtractor(int recordedBytes) {
        if (recordedBytes < 1) {
            throw new IllegalArgumentException("recordedBytes: " + recordedBytes + " (expected: >= 1)");
        }
        this.recordedBytes = recordedBytes;
        this.framer = new FrontendFramer(new Collector(), 0, true);
    }

    /** Feeds the next chunk of the stream and returns the events it completed, in order. */
    public List<StatementEvent> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<StatementEvent> feed(byte[] chunk, int offset, int length) {
        framer.feed(chunk, offset, length);
        List<StatementEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    private final class Collector implements FrontendFramer.Listener {
        private MessageReader reader;
        /** Why the message being read is malformed (its remaining bytes are skipped), or null. */
        private String failure;

        @Override
        public void startupPacket(StartupPacket packet) {
            switch (packet) {
                case StartupPacket.StartupMessage m -> events.add(new StatementEvent.Startup(m.parameters()));
                case StartupPacket.CancelRequest c -> events.add(new StatementEvent.Cancel(c.processId()));
                default -> { } // encryption requests carry nothing to record
            }
        }

        @Override
        public boolean stream(char type, int bodyLength) {
            return type == FrontendMessages.QUERY || type == FrontendMessages.PARSE
                    || type == FrontendMessages.BIND || type == FrontendMessages.EXECUTE;
        }

        @Override
        public void bodyStart(char type, int bodyLength) {
            reader = new MessageReader(type, recordedBytes);
            failure = null;
        }

        @Override
        public void body(byte[] bytes, int offset, int length) {
            if (failure != null) {
                return;
            }
            try {
                reader.feed(bytes, offset, length);
            } catch (PgWireException e) {
                // e.g. a Bind with a negative parameter count: reported once the message ends, like any
                // message that decodes badly; its framing still holds, so the stream goes on
                failure = e.getMessage();
            }
        }

        @Override
        public void bodyEnd() {
            MessageReader done = reader;
            reader = null;
            if (failure != null) {
                events.add(new StatementEvent.Malformed(failure));
                failure = null;
                return;
            }
            try {
                events.add(done.finish());
            } catch (PgWireException e) {
                events.add(new StatementEvent.Malformed(e.getMessage()));
            }
        }

        @Override
        public boolean capture(char type, int bodyLength) {
            return false;
        }

        @Override
        public void message(char type, byte[] body) {
            throw new IllegalStateException("nothing is captured");
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
        }

        @Override
        public void oversized(char type, int bodyLength) {
            throw new IllegalStateException("nothing is captured");
        }

        @Override
        public void malformed(String reason) {
            events.add(new StatementEvent.Malformed(reason));
        }
    }
}
