package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MessageBytes.cstring;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which columns the {@code DataRow}s a server sends now have: the {@code RowDescription} that
 * applies, with the result formats the client chose. For simple queries the description comes just
 * before the rows, but in the extended protocol a client may {@code Bind} a statement it described
 * earlier and {@code Execute} it with no description in the answer. So the client's messages are
 * followed too ({@link #client}): the server answers them in order, and each answer consumes its
 * request; the descriptions of named statements and portals are remembered until closed. Kept apart
 * from the masking of the values: this is protocol bookkeeping, and it knows nothing of masking
 * except that a row it cannot attribute is refused ({@link MaskingRefusal}).
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class RowDescriptions {
    /** One column: its name, type and the format (0 text, 1 binary) its values come in. */
    record Column(String name, int typeOid, int format) {}

    /** Requests whose answers change what is known, in the order the server answers them. */
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

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Column[]> statements = new HashMap<>();
    private final Map<String, Column[]> portals = new HashMap<>();
    /** The statement each portal was bound from: a portal's description describes its statement too. */
    private final Map<String, String> portalStatements = new HashMap<>();
    /** The columns of the rows that come now; null when unknown. */
    private Column[] current;
    /** Set by ParameterDescription: the next RowDescription/NoData describes this statement. */
    private String describing;
    /** The client's messages could not be followed: no row can be attributed any more. */
    private boolean lost;

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

    /**
     * The columns of the DataRow the server sends now (the first row of an Execute takes its
     * portal's description). The same array for every row of a result.
     *
     * @throws MaskingRefusal when they are not known
     */
    Column[] columnsOfRow() {
        if (!pending.isEmpty() && pending.peek() instanceof Execute e) {
            pending.poll();
            current = portals.get(e.portal());
        }
        Column[] columns = lost ? null : current;
        if (columns == null) {
            throw new MaskingRefusal("0A000", "hoop cannot tell which columns these rows have, so it cannot mask them;"
                    + " describe the statement or portal before executing it (most drivers do)");
        }
        return columns;
    }

    /** A message from the server other than a DataRow: what it answers, and what it says about the rows. */
    void server(char type, byte[] body) {
        switch (type) {
            case 'T', 'n' -> described(type == 'T' ? rowDescription(body) : NO_ROWS);
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
                executeAnswered();
                current = null;
            }
            case 'H' -> executeAnswered();
            case 'E' -> {
                if (!pending.isEmpty() && !(pending.peek() instanceof UntilReady u && u.type() != 'S')) {
                    // Extended protocol: the server skips everything up to the Sync.
                    while (!pending.isEmpty() && !(pending.peek() instanceof UntilReady)) {
                        pending.poll();
                    }
                }
                current = null;
                describing = null;
            }
            case 'Z' -> {
                pollUntil(UntilReady.class);
                current = null;
                describing = null;
            }
            default -> { }
        }
    }

    /** RowDescription or NoData: for the statement being described, the portal being described, or the rows that follow. */
    private void described(Column[] columns) {
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

    /** CommandComplete, EmptyQueryResponse, PortalSuspended or CopyOutResponse end an Execute's answer. */
    private void executeAnswered() {
        if (!pending.isEmpty() && pending.peek() instanceof Execute) {
            pending.poll();
        }
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
}
