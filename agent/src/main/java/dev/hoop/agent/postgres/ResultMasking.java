package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Masks what a PostgreSQL server sends, message by message: each {@code DataRow} value per column
 * (the column's name and format from the {@code RowDescription} that applies), the text fields of
 * notices and errors, {@code COPY … TO STDOUT} rows and notification payloads.
 *
 * <p>Which {@code RowDescription} applies to a row is simple for simple queries (it comes just
 * before), but in the extended protocol a client may {@code Bind} a statement it described earlier
 * and {@code Execute} it with no description in the answer, and with result formats chosen in the
 * {@code Bind}. So the client's messages are followed too ({@link #client}): the server answers them
 * in order, and each answer consumes its request. Anything this cannot attribute (a row without a
 * known description, binary formats it cannot read, binary COPY, a function call result) is
 * refused with a {@link MaskingRefusal}: masking fails closed, the clear value never passes.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ResultMasking {
    /** Binary-format types whose value is text: masked like a text value (jsonb after its version byte). */
    private static final Set<Integer> TEXT_TYPES = Set.of(25, 1043, 1042, 19, 114, 705, 3802);
    static final int JSONB = 3802;
    /** Binary-format types that carry no text (numbers, times, uuid, bytes): passed as they are. */
    private static final Set<Integer> NON_TEXT_TYPES = Set.of(16, 17, 18, 20, 21, 23, 26, 28, 700, 701, 790, 1082, 1083,
            1114, 1184, 1186, 1266, 1560, 1562, 1700, 2950, 5069);

    /** One column: its name, type and the format (0 text, 1 binary) its values come in. */
    record Column(String name, int typeOid, int format) {}

    /** Requests whose answers change what the masking knows, in the order the server answers them. */
    private sealed interface Pending {}
    private record Parse(String statement) implements Pending {}
    private record Bind(String portal, String statement, short[] formats) implements Pending {}
    private record DescribeStatement(String statement) implements Pending {}
    private record DescribePortal(String portal) implements Pending {}
    private record Execute(String portal) implements Pending {}
    private record Close(char kind, String name) implements Pending {}
    /** Sync, simple Query and FunctionCall end with ReadyForQuery. */
    private record UntilReady(char type) implements Pending {}

    private static final Column[] NO_ROWS = new Column[0];

    private final TextMasker masker;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Column[]> statements = new HashMap<>();
    private final Map<String, Column[]> portals = new HashMap<>();
    /** The statement each portal was bound from: a portal's description describes its statement too. */
    private final Map<String, String> portalStatements = new HashMap<>();
    /** The columns of the rows that come now; null when unknown. */
    private Column[] current;
    /** Set by ParameterDescription: the next RowDescription/NoData describes this statement. */
    private String describing;
    private boolean copyOut;
    private String clientEncoding = "UTF8";
    /** Whether the policy has column rules, which COPY data (no column names) cannot honour. */
    private final boolean hasColumnRules;

    ResultMasking(TextMasker masker, boolean hasColumnRules) {
        this.masker = masker;
        this.hasColumnRules = hasColumnRules;
    }

    /** Whether {@link #server} must see this message type whole (the others are relayed unexamined). */
    static boolean examines(char type) {
        return switch (type) {
            case 'D', 'T', 'n', 't', '1', '2', '3', 'C', 'I', 's', 'E', 'N', 'Z', 'H', 'W', 'd', 'c', 'V', 'A', 'S' -> true;
            default -> false;
        };
    }

    /** Whether the client's message of this type is one {@link #client} follows. */
    static boolean follows(char type) {
        return switch (type) {
            case 'P', 'B', 'D', 'E', 'C', 'S', 'Q', 'F' -> true;
            default -> false;
        };
    }

    /** A message the client sent to the server (after the startup), in order. */
    void client(char type, byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            clientMessage(type, in);
        } catch (RuntimeException e) {
            // A malformed message: the server will refuse it; its answers can no longer be followed.
            lost = true;
        }
    }

    private void clientMessage(char type, ByteBuffer in) {
        switch (type) {
            case 'P' -> pending.add(new Parse(cstring(in)));
            case 'B' -> {
                String portal = cstring(in);
                String statement = cstring(in);
                short nFormats = in.getShort();
                in.position(in.position() + 2 * nFormats);
                short nParams = in.getShort();
                for (int i = 0; i < nParams; i++) {
                    int len = in.getInt();
                    if (len > 0) {
                        in.position(in.position() + len);
                    }
                }
                short nResult = in.getShort();
                short[] formats = new short[nResult];
                for (int i = 0; i < nResult; i++) {
                    formats[i] = in.getShort();
                }
                pending.add(new Bind(portal, statement, formats));
            }
            case 'D' -> {
                char kind = (char) in.get();
                String name = cstring(in);
                pending.add(kind == 'S' ? new DescribeStatement(name) : new DescribePortal(name));
            }
            case 'E' -> pending.add(new Execute(cstring(in)));
            case 'C' -> {
                char kind = (char) in.get();
                pending.add(new Close(kind, cstring(in)));
            }
            case 'S', 'Q', 'F' -> pending.add(new UntilReady(type));
            default -> { }
        }
    }

    /**
     * A followed client message too large to read: what it would have told is unknown, so the rows
     * it could affect are refused (a Parse forgets every statement, a Bind every portal).
     */
    void clientUnreadable(char type) {
        switch (type) {
            case 'P' -> pending.add(new Parse(null));
            case 'B' -> pending.add(new Bind(null, null, null));
            case 'S', 'Q', 'F' -> pending.add(new UntilReady(type));
            default -> lost = true;
        }
    }

    /** The client's messages could not be followed: no row can be attributed any more. */
    private boolean lost;

    /**
     * One whole message from the server ({@link #examines} its type).
     *
     * @return the message to send instead (type, length, body), or null to send it unchanged
     * @throws MaskingRefusal when it cannot be masked
     */
    byte[] server(char type, byte[] body) {
        switch (type) {
            case 'D' -> {
                if (!pending.isEmpty() && pending.peek() instanceof Execute e) {
                    pending.poll();
                    current = portals.get(e.portal());
                }
                return dataRow(body);
            }
            case 'T', 'n' -> {
                Column[] columns = type == 'T' ? rowDescription(body) : NO_ROWS;
                if (describing != null) {
                    statements.put(describing, columns);
                    describing = null;
                } else if (!pending.isEmpty() && pending.peek() instanceof DescribePortal d) {
                    pending.poll();
                    portals.put(d.portal(), columns);
                    // pgjdbc describes the portal, not the statement, then re-binds the statement without describing it.
                    String statement = portalStatements.get(d.portal());
                    if (statement != null) {
                        statements.putIfAbsent(statement, columns);
                    }
                } else {
                    current = columns;
                }
            }
            case 't' -> {
                if (pollUntil(DescribeStatement.class) instanceof DescribeStatement d) {
                    describing = d.statement();
                }
            }
            case '1' -> {
                if (pollUntil(Parse.class) instanceof Parse p) {
                    if (p.statement() == null) {
                        statements.clear();
                    } else {
                        statements.remove(p.statement());
                    }
                }
            }
            case '2' -> {
                if (pollUntil(Bind.class) instanceof Bind b) {
                    if (b.portal() == null) {
                        portals.clear();
                        portalStatements.clear();
                    } else {
                        portals.put(b.portal(), bound(statements.get(b.statement()), b.formats()));
                        portalStatements.put(b.portal(), b.statement());
                    }
                }
            }
            case '3' -> {
                if (pollUntil(Close.class) instanceof Close c) {
                    (c.kind() == 'S' ? statements : portals).remove(c.name());
                    if (c.kind() != 'S') {
                        portalStatements.remove(c.name());
                    }
                }
            }
            case 'C', 'I', 's' -> {
                if (!pending.isEmpty() && pending.peek() instanceof Execute) {
                    pending.poll();
                }
                current = null;
                copyOut = false;
            }
            case 'H' -> {
                if (!pending.isEmpty() && pending.peek() instanceof Execute) {
                    pending.poll();
                }
                if (body.length < 1 || body[0] != 0) {
                    throw new MaskingRefusal("0A000", "binary COPY cannot be masked; use COPY … TO STDOUT in text or csv format");
                }
                if (hasColumnRules) {
                    throw new MaskingRefusal("0A000", "COPY … TO STDOUT cannot apply the connection's column masking rules"
                            + " (COPY data has no column names); select the rows with a query instead");
                }
                copyOut = true;
            }
            case 'd' -> {
                if (!copyOut) {
                    return null;
                }
                String clear = decode(body);
                String masked = masker.maskText(clear);
                return masked == clear || masked.equals(clear) ? null : message('d', text(masked));
            }
            case 'c' -> copyOut = false;
            case 'W' -> throw new MaskingRefusal("0A000", "COPY BOTH (replication) cannot be masked");
            case 'V' -> throw new MaskingRefusal("0A000", "function call results (the FunctionCall message) cannot be masked; use a query");
            case 'E' -> {
                if (!pending.isEmpty() && !(pending.peek() instanceof UntilReady u && u.type() != 'S')) {
                    // Extended protocol: the server skips everything up to the Sync.
                    while (!pending.isEmpty() && !(pending.peek() instanceof UntilReady)) {
                        pending.poll();
                    }
                }
                current = null;
                describing = null;
                copyOut = false;
                return fields('E', body);
            }
            case 'N' -> {
                return fields('N', body);
            }
            case 'A' -> {
                return notification(body);
            }
            case 'Z' -> {
                pollUntil(UntilReady.class);
                current = null;
                describing = null;
                copyOut = false;
            }
            case 'S' -> parameterStatus(body);
            default -> { }
        }
        return null;
    }

    private Pending pollUntil(Class<? extends Pending> kind) {
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            if (kind.isInstance(p)) {
                return p;
            }
        }
        return null;
    }

    private static Column[] bound(Column[] described, short[] formats) {
        if (described == null || formats == null) {
            return null;
        }
        Column[] out = new Column[described.length];
        for (int i = 0; i < described.length; i++) {
            int format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : -1;
            out[i] = new Column(described[i].name(), described[i].typeOid(), format);
        }
        return out;
    }

    static Column[] rowDescription(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int n = in.getShort() & 0xFFFF;
        Column[] columns = new Column[n];
        for (int i = 0; i < n; i++) {
            String name = cstring(in);
            in.getInt(); // table oid
            in.getShort(); // attribute number
            int oid = in.getInt();
            in.getShort(); // type size
            in.getInt(); // type modifier
            columns[i] = new Column(name, oid, in.getShort());
        }
        return columns;
    }

    private byte[] dataRow(byte[] body) {
        Column[] columns = rowColumns();
        ByteBuffer in = ByteBuffer.wrap(body);
        int n = rowWidth(in, columns);
        byte[][] values = null;
        int delta = 0;
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                continue; // NULL stays NULL
            }
            int start = in.position();
            in.position(start + len);
            byte[] masked = value(columns[i], body, start, len);
            if (masked != null) {
                if (values == null) {
                    values = new byte[n][];
                }
                values[i] = masked;
                delta += masked.length - len;
            }
        }
        return values == null ? null : DataRows.build(body, n, values, delta);
    }

    private Column[] rowColumns() {
        Column[] columns = lost ? null : current;
        if (columns == null) {
            throw new MaskingRefusal("0A000", "hoop cannot tell which columns these rows have, so it cannot mask them;"
                    + " describe the statement or portal before executing it (most drivers do)");
        }
        return columns;
    }

    private static int rowWidth(ByteBuffer in, Column[] columns) {
        int n = in.getShort() & 0xFFFF;
        if (n != columns.length) {
            throw new MaskingRefusal("XX000", "a row has " + n + " values but its description " + columns.length + " columns");
        }
        return n;
    }

    /** The remote masker's half of {@link #server} for a DataRow: the same checks, no masking yet. */
    DataRows.Row row(byte[] body) {
        if (!pending.isEmpty() && pending.peek() instanceof Execute e) {
            pending.poll();
            current = portals.get(e.portal());
        }
        Column[] columns = rowColumns();
        ByteBuffer in = ByteBuffer.wrap(body);
        int n = rowWidth(in, columns);
        String[] cells = new String[n];
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                continue;
            }
            int start = in.position();
            in.position(start + len);
            int skip = textSkip(columns[i], len);
            if (skip >= 0) {
                cells[i] = decode(body, start + skip, len - skip);
            }
        }
        return new DataRows.Row(columns, body, cells);
    }

    /**
     * Where a value's text starts (0, or 1 after jsonb's version byte), or -1 when it carries no
     * text; refuses what cannot be masked, as {@link #value} does.
     */
    private int textSkip(Column column, int len) {
        if (column.format() == 0) {
            return 0;
        }
        if (column.format() == 1 && TEXT_TYPES.contains(column.typeOid())) {
            return column.typeOid() == JSONB && len > 0 ? 1 : 0;
        }
        value(column, new byte[0], 0, 0); // the refusals of a binary value; returns null for the others
        return -1;
    }

    /** The masked value of one column, or null when unchanged. */
    private byte[] value(Column column, byte[] body, int start, int len) {
        if (column.format() == 0) {
            return maskedText(column.name(), body, start, len, 0);
        }
        if (column.format() != 1) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\": result format " + column.format() + " is unknown");
        }
        if (TEXT_TYPES.contains(column.typeOid())) {
            int skip = column.typeOid() == JSONB && len > 0 ? 1 : 0; // jsonb's version byte
            return maskedText(column.name(), body, start, len, skip);
        }
        if (!NON_TEXT_TYPES.contains(column.typeOid())) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\" (type oid " + column.typeOid()
                    + ") comes in binary format, which hoop cannot mask; ask for it in text format");
        }
        if (maskedWhole(column)) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\" must be masked by a column rule but comes in"
                    + " binary format (type oid " + column.typeOid() + "), where no masked value can be written; ask for it in text format");
        }
        return null;
    }

    /**
     * Whether the masker would replace this column's values whatever they are (a column rule, or a
     * labelled column such as a date of birth): probed once per column name and type with a sample
     * of the type's text form, since a binary value cannot be rewritten.
     */
    private boolean maskedWhole(Column column) {
        return wholeColumns.computeIfAbsent(column.name() + "\0" + column.typeOid(), k -> {
            String probe = switch (column.typeOid()) {
                case 1082 -> "1990-01-31";
                case 1114, 1184 -> "1990-01-31 00:00:00";
                default -> "0";
            };
            // The contract: the same instance when nothing changed; a new one (even if equal) counts as masked.
            return masker.maskValue(column.name(), probe) != probe;
        });
    }

    private final Map<String, Boolean> wholeColumns = new HashMap<>();

    private byte[] maskedText(String column, byte[] body, int start, int len, int skip) {
        String clear = decode(body, start + skip, len - skip);
        String masked = masker.maskValue(column, clear);
        if (masked == clear || masked.equals(clear)) {
            return null;
        }
        byte[] text = text(masked);
        byte[] out = new byte[skip + text.length];
        System.arraycopy(body, start, out, 0, skip);
        System.arraycopy(text, 0, out, skip, text.length);
        return out;
    }

    /** NoticeResponse / ErrorResponse: the fields that may echo values (message, detail, hint, context). */
    private byte[] fields(char type, byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 16);
        boolean changed = false;
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i];
            int end = i + 1;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String clear = decode(body, i + 1, end - i - 1);
            String value = switch (field) {
                case 'M', 'D', 'H', 'W' -> masker.maskText(clear);
                default -> clear;
            };
            out.write(field);
            if (value != clear && !value.equals(clear)) {
                changed = true;
                out.writeBytes(text(value));
            } else {
                out.write(body, i + 1, end - i - 1);
            }
            out.write(0);
            i = end + 1;
        }
        if (!changed) {
            return null;
        }
        out.write(0);
        return message(type, out.toByteArray());
    }

    private byte[] notification(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int pid = in.getInt();
        String channel = cstring(in);
        String payload = cstring(in);
        String masked = masker.maskText(payload);
        if (masked == payload || masked.equals(payload)) {
            return null;
        }
        byte[] c = text(channel);
        byte[] p = text(masked);
        return message('A', ByteBuffer.allocate(4 + c.length + 1 + p.length + 1).putInt(pid).put(c).put((byte) 0).put(p).put((byte) 0).array());
    }

    private void parameterStatus(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (cstring(in).equals("client_encoding")) {
            clientEncoding = cstring(in).toUpperCase(Locale.ROOT);
        }
    }

    private String decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    private String decode(byte[] bytes, int offset, int length) {
        if (!clientEncoding.equals("UTF8") && !clientEncoding.equals("UNICODE") && !clientEncoding.equals("SQL_ASCII")) {
            throw new MaskingRefusal("0A000", "client_encoding " + clientEncoding + " is not supported with data masking;"
                    + " set client_encoding to UTF8");
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    private static String cstring(ByteBuffer in) {
        int start = in.position();
        int end = start;
        while (in.get(end) != 0) {
            end++;
        }
        in.position(end + 1);
        return new String(in.array(), start, end - start, StandardCharsets.UTF_8);
    }
}
