package dev.hoop.common.pgwire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Keeps the first {@code limit} bytes of a value that streams past, counts all of them and, when
 * asked, hashes all of them with SHA-256: the audit's record of a statement of any size in bounded
 * memory.
 */
final class TextCapture {
    private final int limit;
    private final MessageDigest digest;
    private byte[] head = new byte[0];
    private int headLength;
    private long length;

    TextCapture(int limit, boolean hashed) {
        this.limit = limit;
        this.digest = hashed ? newDigest() : null;
    }

    void add(byte[] bytes, int offset, int count) {
        length += count;
        if (digest != null) {
            digest.update(bytes, offset, count);
        }
        int kept = (int) Math.min(count, limit - headLength);
        if (kept > 0) {
            if (headLength + kept > head.length) {
                head = Arrays.copyOf(head, Math.min(limit, Math.max(headLength + kept, head.length * 2)));
            }
            System.arraycopy(bytes, offset, head, headLength, kept);
            headLength += kept;
        }
    }

    int recordedBytes() {
        return headLength;
    }

    long length() {
        return length;
    }

    /** The kept bytes as UTF-8; a multi-byte character cut by the limit is dropped, not garbled. */
    String headText() {
        return new String(head, 0, shownBytes(), StandardCharsets.UTF_8);
    }

    /** The kept bytes {@link #headText} shows: all of them, less a character cut at the end. */
    int shownBytes() {
        return headLength < length ? utf8Boundary(head, headLength) : headLength;
    }

    String headHex() {
        return HexFormat.of().formatHex(head, 0, headLength);
    }

    StatementEvent.Text text() {
        return new StatementEvent.Text(headText(), shownBytes(), length, HexFormat.of().formatHex(digest.digest()));
    }

    /** The largest end <= {@code end} that does not cut a UTF-8 sequence. */
    static int utf8Boundary(byte[] bytes, int end) {
        int i = end;
        // Walk back over at most 3 continuation bytes to the start of the last sequence.
        while (i > 0 && end - i < 4 && (bytes[i - 1] & 0xc0) == 0x80) {
            i--;
        }
        if (i == 0) {
            return end;
        }
        int lead = bytes[i - 1] & 0xff;
        int needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        return end - (i - 1) >= needed ? end : i - 1;
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
