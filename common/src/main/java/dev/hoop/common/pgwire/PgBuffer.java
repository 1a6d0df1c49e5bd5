package dev.hoop.common.pgwire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol's primitive types (Int16, Int32, NUL-terminated strings, byte runs) from one
 * message body, turning a short body into a {@link PgWireException} that names the message.
 * Public for its {@link #cstring()}: the agent reads server messages' strings with it too.
 */
public final class PgBuffer {
    private final ByteBuffer buffer;
    private final String what;

    /** {@code what} names the message in errors, e.g. "CommandComplete". */
    public PgBuffer(byte[] body, String what) {
        this.buffer = ByteBuffer.wrap(body);
        this.what = what;
    }

    int remaining() {
        return buffer.remaining();
    }

    short int16() {
        try {
            return buffer.getShort();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    int int32() {
        try {
            return buffer.getInt();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    byte[] bytes(int length) {
        if (length < 0 || length > buffer.remaining()) {
            throw truncated();
        }
        byte[] out = new byte[length];
        buffer.get(out);
        return out;
    }

    /** A NUL-terminated string, decoded as UTF-8 (the encoding hoop expects clients to use). */
    public String cstring() {
        int start = buffer.position();
        for (int i = start; i < buffer.limit(); i++) {
            if (buffer.get(i) == 0) {
                String s = new String(buffer.array(), start, i - start, StandardCharsets.UTF_8);
                buffer.position(i + 1);
                return s;
            }
        }
        throw new PgWireException(what + ": string not terminated by NUL");
    }

    private PgWireException truncated() {
        return new PgWireException(what + ": message shorter than its fields");
    }
}
