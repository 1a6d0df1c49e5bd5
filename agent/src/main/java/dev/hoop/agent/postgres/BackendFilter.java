package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendFramer;
import dev.hoop.common.pgwire.PgWireException;
import dev.hoop.common.pgwire.StartupPacket;

/**
 * The server-to-client direction after authentication: relays bytes unchanged, except that the
 * ErrorResponse answering a refused statement is replaced by the refusal (see {@link RefusalMarkers}). It follows message
 * boundaries all the time (headers only) and buffers an ErrorResponse only while a marker is
 * outstanding. One instance per connection, used on its event loop.
 */
final class BackendFilter implements FrontendFramer.Listener {
    /** Server errors above this size are relayed unexamined (the error for a refused statement is a few hundred bytes). */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final RefusalMarkers markers;
    // The framer only needs typed framing, which is the same in both directions.
    private final FrontendFramer framer = new FrontendFramer(this, MAX_ERROR_BYTES, false);
    private final ChunkAssembler out = new ChunkAssembler();

    BackendFilter(RefusalMarkers markers) {
        this.markers = markers;
    }

    /** The bytes to send to the client for this chunk from the server (often the same array). */
    byte[] filter(byte[] fromServer) {
        out.begin(fromServer);
        framer.feed(fromServer);
        return out.finish();
    }

    /** Whether everything relayed so far ends with a whole message (so a message of our own may follow). */
    boolean atMessageBoundary() {
        return framer.atMessageBoundary();
    }

    @Override
    public boolean capture(char type, int bodyLength) {
        if (type == 'Z') { // ReadyForQuery: relayed as is, counted
            markers.readyForQuery();
            return false;
        }
        return type == ErrorResponse.TYPE && !markers.isEmpty() && bodyLength <= MAX_ERROR_BYTES;
    }

    @Override
    public void message(char type, byte[] body) {
        ErrorResponse refusal = null;
        try {
            refusal = markers.resolve(ErrorResponse.decode(body));
        } catch (PgWireException e) {
            // Not ours to judge: relay the server's message as it came.
        }
        if (refusal != null) {
            out.append(refusal.encode());
            return;
        }
        int length = body.length + 4;
        out.append(new byte[] {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.append(body);
    }

    @Override
    public void raw(byte[] bytes, int offset, int length) {
        out.append(bytes, offset, length);
    }

    @Override
    public void startupPacket(StartupPacket packet) {
        throw new IllegalStateException("no startup phase from the server");
    }

    @Override
    public void oversized(char type, int bodyLength) {
        throw new IllegalStateException("capture() never asks for more than the limit");
    }

    @Override
    public void malformed(String reason) {
        // The server broke framing: stop filtering; the bytes still flow so the client sees what it sees.
        throw new PgWireException("from the server: " + reason);
    }
}
