package dev.hoop.agent.postgres;

import java.io.ByteArrayOutputStream;

/**
 * Collects the bytes a filter lets through for one input chunk. Consecutive pieces of the chunk
 * itself are joined; when they are exactly the whole chunk (the usual case: nothing was
 * rewritten), the chunk itself is returned without a copy.
 */
final class ChunkAssembler {
    private static final byte[] EMPTY = new byte[0];
    private byte[] source;
    /** A pending run of the source, [runStart, runEnd), not yet copied; runStart < 0 when none. */
    private int runStart;
    private int runEnd;
    private ByteArrayOutputStream out;

    void begin(byte[] chunk) {
        source = chunk;
        runStart = -1;
        out = null;
    }

    void append(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (bytes == source) {
            if (runStart >= 0 && offset == runEnd) {
                runEnd += length;
                return;
            }
            flushRun();
            runStart = offset;
            runEnd = offset + length;
            return;
        }
        flushRun();
        output().write(bytes, offset, length);
    }

    void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    byte[] finish() {
        byte[] result;
        if (out == null && runStart == 0 && runEnd == source.length) {
            result = source;
        } else {
            flushRun();
            result = out == null ? EMPTY : out.toByteArray();
        }
        source = null;
        out = null;
        runStart = -1;
        return result;
    }

    private void flushRun() {
        if (runStart >= 0) {
            output().write(source, runStart, runEnd - runStart);
            runStart = -1;
        }
    }

    private ByteArrayOutputStream output() {
        if (out == null) {
            out = new ByteArrayOutputStream(Math.max(64, source.length + 16));
        }
        return out;
    }
}
