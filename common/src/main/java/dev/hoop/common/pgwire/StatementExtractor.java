package dev.hoop.common.pgwire;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.nio.charset.StandardCharsets;

/**
 * Turns a client-to-server PostgreSQL byte stream, fed in chunks of any size, into the statements
 * the audit records: simple Query text and extended Parse/Bind/Execute (parameters included). COPY
 * data and every other message are skipped without being buffered; a statement larger than the
 * limit is reported as {@link StatementEvent.Oversized}. Not thread-safe: one feeder per stream.
 */
public final class StatementExtractor {
    /** Default largest message body kept for the audit (a statement longer than this is reported as oversized). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private final FrontendFramer framer;
    private final List<StatementEvent> events = new ArrayList<>();

    public StatementExtractor() {
        this(DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** @param maxMessageBytes the largest Query/Parse/Bind/Execute body decoded */
    public StatementExtractor(int maxMessageBytes) {
        this.framer = new FrontendFramer(new Collector(), maxMessageBytes, true);
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
        @Override
        public void startupPacket(StartupPacket packet) {
            switch (packet) {
                case StartupPacket.StartupMessage m -> events.add(new StatementEvent.Startup(m.parameters()));
                case StartupPacket.CancelRequest c -> events.add(new StatementEvent.Cancel(c.processId()));
                default -> { } // encryption requests carry nothing to record
            }
        }

        @Override
        public boolean capture(char type, int bodyLength) {
            return type == FrontendMessages.QUERY || type == FrontendMessages.PARSE
                    || type == FrontendMessages.BIND || type == FrontendMessages.EXECUTE;
        }

        @Override
        public void message(char type, byte[] body) {
            try {
                events.add(decode(type, body));
            } catch (PgWireException e) {
                events.add(new StatementEvent.Malformed(e.getMessage()));
            }
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
        }

        @Override
        public void oversized(char type, int bodyLength) {
            events.add(new StatementEvent.Oversized(type, bodyLength));
        }

        @Override
        public void malformed(String reason) {
            events.add(new StatementEvent.Malformed(reason));
        }
    }

    static StatementEvent decode(char type, byte[] body) {
        return switch (type) {
            case FrontendMessages.QUERY -> new StatementEvent.Query(new PgBuffer(body, "Query").cstring());
            case FrontendMessages.PARSE -> {
                PgBuffer in = new PgBuffer(body, "Parse");
                yield new StatementEvent.Parse(in.cstring(), in.cstring());
            }
            case FrontendMessages.EXECUTE -> {
                PgBuffer in = new PgBuffer(body, "Execute");
                yield new StatementEvent.Execute(in.cstring(), in.int32());
            }
            case FrontendMessages.BIND -> decodeBind(body);
            default -> throw new IllegalArgumentException("not a statement message: " + type);
        };
    }

    private static StatementEvent.Bind decodeBind(byte[] body) {
        PgBuffer in = new PgBuffer(body, "Bind");
        String portal = in.cstring();
        String statement = in.cstring();
        short[] formats = new short[in.int16()];
        for (int i = 0; i < formats.length; i++) {
            formats[i] = in.int16();
        }
        int count = in.int16();
        if (formats.length > 1 && formats.length != count) {
            throw new PgWireException("Bind: " + formats.length + " format codes for " + count + " parameters");
        }
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.int32();
            if (length == -1) {
                values.add(null);
                continue;
            }
            byte[] value = in.bytes(length);
            // One format code applies to all parameters; none means all text.
            short format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
            values.add(format == 0 ? new String(value, StandardCharsets.UTF_8) : HexFormat.of().formatHex(value));
        }
        return new StatementEvent.Bind(portal, statement, values);
    }
}
