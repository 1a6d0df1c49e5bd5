package dev.hoop.common.pgwire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds one message: a type byte (absent for startup packets), the Int32 length that counts
 * itself and the body, then the body.
 */
final class PgWriter {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(64);
    private final byte type;

    private PgWriter(byte type) {
        this.type = type;
    }

    static PgWriter typed(char type) {
        return new PgWriter((byte) type);
    }

    static PgWriter untyped() {
        return new PgWriter((byte) 0);
    }

    PgWriter int8(int value) {
        body.write(value);
        return this;
    }

    PgWriter int16(int value) {
        body.write(value >>> 8);
        body.write(value);
        return this;
    }

    PgWriter int32(int value) {
        body.write(value >>> 24);
        body.write(value >>> 16);
        body.write(value >>> 8);
        body.write(value);
        return this;
    }

    PgWriter bytes(byte[] value) {
        body.writeBytes(value);
        return this;
    }

    PgWriter cstring(String value) {
        body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        return this;
    }

    byte[] build() {
        byte[] payload = body.toByteArray();
        int header = type == 0 ? 4 : 5;
        byte[] out = new byte[header + payload.length];
        int length = payload.length + 4;
        int i = 0;
        if (type != 0) {
            out[i++] = type;
        }
        out[i++] = (byte) (length >>> 24);
        out[i++] = (byte) (length >>> 16);
        out[i++] = (byte) (length >>> 8);
        out[i++] = (byte) length;
        System.arraycopy(payload, 0, out, header, payload.length);
        return out;
    }
}
