package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MessageBytes.cstring;
import static dev.hoop.agent.postgres.MessageBytes.message;
import static dev.hoop.agent.postgres.MessageBytes.utf8;

import dev.hoop.agent.dlp.TextMasker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Masks the server messages whose values come as free text, with no column to go by: the fields of
 * notices and errors that may echo values, notification payloads, and the rows of
 * {@code COPY … TO STDOUT} (text or csv; binary COPY, and COPY under column rules, are refused since
 * they cannot be masked). Apart from the DataRow masking because none of this depends on row
 * descriptions: each message is masked as a whole text by {@link TextMasker#maskText}.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class FreeTextMasking {
    private final TextMasker masker;
    private final ClientEncoding encoding;
    /** Whether the policy has column rules, which COPY data (no column names) cannot honour. */
    private final boolean hasColumnRules;
    /** Between CopyOutResponse and the end of the copy: CopyData messages are rows. */
    private boolean copyOut;

    FreeTextMasking(TextMasker masker, ClientEncoding encoding, boolean hasColumnRules) {
        this.masker = masker;
        this.encoding = encoding;
        this.hasColumnRules = hasColumnRules;
    }

    /** CopyOutResponse: the rows that follow are masked, or refused when they cannot be. */
    void copyOutStarts(byte[] body) {
        if (body.length < 1 || body[0] != 0) {
            throw new MaskingRefusal("0A000", "binary COPY cannot be masked; use COPY … TO STDOUT in text or csv format");
        }
        if (hasColumnRules) {
            throw new MaskingRefusal("0A000", "COPY … TO STDOUT cannot apply the connection's column masking rules"
                    + " (COPY data has no column names); select the rows with a query instead");
        }
        copyOut = true;
    }

    /** CopyDone, or any end of the answer the copy was part of. */
    void copyOutEnds() {
        copyOut = false;
    }

    /** CopyData: a row of a COPY to the client masked, or null when unchanged (or not a COPY out). */
    byte[] copyData(byte[] body) {
        if (!copyOut) {
            return null;
        }
        String clear = encoding.decode(body);
        String masked = masker.maskText(clear);
        return masked == clear || masked.equals(clear) ? null : message('d', utf8(masked));
    }

    /** NoticeResponse / ErrorResponse: the fields that may echo values (message, detail, hint, context). */
    byte[] fields(char type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        boolean changed = false;
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i];
            int end = i + 1;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String clear = encoding.decode(body, i + 1, end - i - 1);
            String value = switch (field) {
                case 'M', 'D', 'H', 'W' -> masker.maskText(clear);
                default -> clear;
            };
            out.write(field);
            if (value != clear && !value.equals(clear)) {
                changed = true;
                out.writeBytes(utf8(value));
            } else {
                out.write(body, i + 1, end - i - 1);
            }
            out.write(0);
            i = end + 1;
        }
        if (!changed) {
            return null;
        }
        out.write(0);
        return message(type, out.toByteArray());
    }

    /** NotificationResponse: the payload masked, or null when unchanged. */
    byte[] notification(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int pid = in.getInt();
        String channel = cstring(in);
        String payload = cstring(in);
        String masked = masker.maskText(payload);
        if (masked == payload || masked.equals(payload)) {
            return null;
        }
        byte[] c = utf8(channel);
        byte[] p = utf8(masked);
        return message('A', ByteBuffer.allocate(4 + c.length + 1 + p.length + 1).putInt(pid).put(c).put((byte) 0).put(p).put((byte) 0).array());
    }
}
