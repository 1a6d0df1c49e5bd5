package dev.hoop.agent.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The pieces of PostgreSQL message bodies that result masking reads and writes: NUL-terminated
 * strings (names, which are read as UTF-8 whatever the client encoding), UTF-8 text, and a whole
 * message with its type and length. One place for them, shared by the masking of each message family.
 */
final class MessageBytes {
    private MessageBytes() {
    }

    /** The type byte, the length and the body: a message ready to send. */
    static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The NUL-terminated string at the buffer's position; the position moves past the NUL. */
    static String cstring(ByteBuffer in) {
        int start = in.position();
        int end = start;
        while (in.get(end) != 0) {
            end++;
        }
        in.position(end + 1);
        return new String(in.array(), start, end - start, StandardCharsets.UTF_8);
    }
}
