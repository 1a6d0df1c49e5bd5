package dev.hoop.agent.postgres;

import java.io.ByteArrayOutputStream;

/**
 * Collects the bytes a filter lets through for one input chunk. When they are exactly the whole
 * chunk (the usual case: nothing was rewritten), the chunk itself is returned without a copy.
 */
final class ChunkAssembler {
    private static final byte[] EMPTY = new byte[0];
    private byte[] source;
    private boolean identity;
    private ByteArrayOutputStream out;

    void begin(byte[] chunk) {
        source = chunk;
        identity = false;
        out = null;
    }

    void append(byte[] bytes, int offset, int length) {
        if (out == null && !identity && bytes == source && offset == 0 && length == source.length) {
            identity = true;
            return;
        }
        if (out == null) {
            out = new ByteArrayOutputStream(Math.max(64, source.length + length));
            if (identity) {
                out.writeBytes(source);
                identity = false;
            }
        }
        out.write(bytes, offset, length);
    }

    void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    byte[] finish() {
        byte[] result = identity ? source : out == null ? EMPTY : out.toByteArray();
        source = null;
        out = null;
        identity = false;
        return result;
    }
}
