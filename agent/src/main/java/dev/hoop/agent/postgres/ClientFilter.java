package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.FrontendFramer;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import java.nio.charset.StandardCharsets;

/**
 * The client-to-server direction: hands startup packets to the session, relays typed messages
 * unchanged, and swaps a refused Query or Parse (see {@link PasswordChangeGuard}) for a marker
 * request whose error {@link BackendFilter} turns into the refusal. Query and Parse are buffered
 * (to read their SQL) up to {@link #MAX_STATEMENT_BYTES}; everything else streams through.
 */
final class ClientFilter implements FrontendFramer.Listener {
    /** The largest Query/Parse checked; a larger one is refused since it cannot be checked. */
    static final int MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

    /** What the session does with the parts that are not relayed. */
    interface Session {
        void startupPacket(StartupPacket packet);

        void malformed(String reason);
    }

    private final Session session;
    private final RefusalMarkers markers;
    private final FrontendFramer framer;
    private final ChunkAssembler out = new ChunkAssembler();

    ClientFilter(Session session, RefusalMarkers markers) {
        this.session = session;
        this.markers = markers;
        this.framer = new FrontendFramer(this, MAX_STATEMENT_BYTES, true);
    }

    /** The bytes to send to the server for this chunk from the client (often the same array). */
    byte[] filter(byte[] fromClient) {
        out.begin(fromClient);
        framer.feed(fromClient);
        return out.finish();
    }

    @Override
    public void startupPacket(StartupPacket packet) {
        session.startupPacket(packet);
    }

    @Override
    public boolean capture(char type, int bodyLength) {
        return type == FrontendMessages.QUERY || type == FrontendMessages.PARSE;
    }

    @Override
    public void message(char type, byte[] body) {
        String sql;
        if (type == FrontendMessages.QUERY) {
            sql = cstring(body, 0);
        } else {
            int nameEnd = cstringEnd(body, 0); // Parse: statement name, then the SQL
            sql = nameEnd < 0 ? null : cstring(body, nameEnd + 1);
        }
        if (sql != null && PasswordChangeGuard.refuses(sql)) {
            out.append(marker(type, markers.register(PasswordChangeGuard.REFUSAL)));
            return;
        }
        int length = body.length + 4;
        out.append(new byte[] {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.append(body);
    }

    @Override
    public void oversized(char type, int bodyLength) {
        out.append(marker(type, markers.register(PasswordChangeGuard.tooLargeToCheck(bodyLength, MAX_STATEMENT_BYTES))));
    }

    @Override
    public void raw(byte[] bytes, int offset, int length) {
        out.append(bytes, offset, length);
    }

    @Override
    public void malformed(String reason) {
        session.malformed(reason);
    }

    /**
     * A request the server answers with an error naming {@code name}. For a Query, DEALLOCATE
     * fails like the refused statement would have (ending the transaction block's chances, then
     * ReadyForQuery); for a Parse, Describe of an unknown statement fails and makes the server skip
     * to the client's Sync, as it does for any extended-protocol error.
     */
    private static byte[] marker(char type, String name) {
        return type == FrontendMessages.QUERY
                ? FrontendMessages.query("DEALLOCATE \"" + name + "\"")
                : FrontendMessages.describe('S', name);
    }

    private static int cstringEnd(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The NUL-terminated string at {@code from}, or null when malformed (the server will reject it). */
    private static String cstring(byte[] body, int from) {
        int end = cstringEnd(body, from);
        return end < 0 ? null : new String(body, from, end - from, StandardCharsets.UTF_8);
    }
}
