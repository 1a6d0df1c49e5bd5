package dev.hoop.common.pgwire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with a hard bound: appends past it are dropped and reported. */
final class ByteText {
    private final int max;
    private byte[] bytes = new byte[64];
    private int length;

    ByteText(int max) {
        this.max = max;
    }

    boolean append(byte b) {
        if (length == max) {
            return false;
        }
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(max, bytes.length * 2));
        }
        bytes[length++] = b;
        return true;
    }

    byte at(int i) {
        return bytes[i];
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
        if (bytes.length > 4096) {
            bytes = new byte[64]; // a large statement's buffer is not kept for the rest of the session
        }
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
