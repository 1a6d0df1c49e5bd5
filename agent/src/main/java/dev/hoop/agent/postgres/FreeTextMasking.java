package dev.hoop.agent.postgres;

import static dev.hoop.agent.postgres.MessageBytes.cstring;
import static dev.hoop.agent.postgres.MessageBytes.message;
import static dev.hoop.agent.postgres.MessageBytes.utf8;

import dev.hoop.agent.dlp.TextMasker;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Masks the server messages whose values come as free text, with no column to go by: the fields of
 * notices and errors that may echo values, notification payloads, and the rows of
 * {@code COPY … TO STDOUT} (text or csv; binary COPY, and COPY under column rules, are refused since
 * they cannot be masked). Apart from the DataRow masking because none of this depends on row
 * descriptions: each text is masked whole by {@link TextMasker#maskText}, or, for a remote masker,
 * decoded by {@link #texts} and rebuilt by {@link #rebuild} once the texts of a whole read were
 * masked together.
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

    /**
     * A free-text message decoded for a remote masker: its texts to mask, in order, to be masked in a
     * batch with the texts around it ({@link TextMasker#maskTexts}) and written by {@link #rebuild}.
     */
    record Texts(char type, byte[] body, List<String> clear) {}

    FreeTextMasking(TextMasker masker, ClientEncoding encoding, boolean hasColumnRules) {
        this.masker = masker;
        this.encoding = encoding;
        this.hasColumnRules = hasColumnRules;
    }

    /** Whether {@link #texts} takes this message type. */
    static boolean carriesText(char type) {
        return type == 'd' || type == 'N' || type == 'E' || type == 'A';
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
        return copyRow(clear, masker.maskText(clear));
    }

    private static byte[] copyRow(String clear, String masked) {
        return masked == clear || masked.equals(clear) ? null : message('d', utf8(masked));
    }

    /** NoticeResponse / ErrorResponse: the fields that may echo values (message, detail, hint, context). */
    byte[] fields(char type, byte[] body) {
        List<String> clear = fieldTexts(body);
        List<String> masked = new ArrayList<>(clear.size());
        for (String text : clear) {
            masked.add(masker.maskText(text));
        }
        return rebuildFields(type, body, clear, masked);
    }

    /** The fields that may echo values, decoded, in order. */
    private List<String> fieldTexts(byte[] body) {
        List<String> texts = new ArrayList<>(4);
        int i = 0;
        while (i < body.length && body[i] != 0) {
            int end = fieldEnd(body, i);
            String text = encoding.decode(body, i + 1, end - i - 1); // every field: the encoding is checked as before
            if (echoesValues(body[i])) {
                texts.add(text);
            }
            i = end + 1;
        }
        return texts;
    }

    /** The message with the masked texts of {@link #fieldTexts} in their fields, or null when none changed. */
    private static byte[] rebuildFields(char type, byte[] body, List<String> clear, List<String> masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        boolean changed = false;
        int next = 0;
        int i = 0;
        while (i < body.length && body[i] != 0) {
            byte field = body[i];
            int end = fieldEnd(body, i);
            out.write(field);
            String value = echoesValues(field) ? masked.get(next) : null;
            String before = echoesValues(field) ? clear.get(next++) : null;
            if (value != null && value != before && !value.equals(before)) {
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

    private static boolean echoesValues(byte field) {
        return field == 'M' || field == 'D' || field == 'H' || field == 'W';
    }

    /** The index of the NUL that ends the field starting at {@code start}. */
    private static int fieldEnd(byte[] body, int start) {
        int end = start + 1;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return end;
    }

    /** NotificationResponse: the payload masked, or null when unchanged. */
    byte[] notification(byte[] body) {
        String payload = payload(body);
        return rebuildNotification(body, payload, masker.maskText(payload));
    }

    private static String payload(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        in.getInt();
        cstring(in);
        return cstring(in);
    }

    private static byte[] rebuildNotification(byte[] body, String payload, String masked) {
        if (masked == payload || masked.equals(payload)) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        int pid = in.getInt();
        byte[] c = utf8(cstring(in));
        byte[] p = utf8(masked);
        return message('A', ByteBuffer.allocate(4 + c.length + 1 + p.length + 1).putInt(pid).put(c).put((byte) 0).put(p).put((byte) 0).array());
    }

    /**
     * The remote masker's half of {@link #copyData}, {@link #fields} and {@link #notification}: the
     * texts to mask, no masking yet.
     *
     * @return null when the message carries nothing to mask (CopyData outside a COPY out)
     */
    Texts texts(char type, byte[] body) {
        return switch (type) {
            case 'd' -> copyOut ? new Texts(type, body, List.of(encoding.decode(body))) : null;
            case 'N', 'E' -> new Texts(type, body, fieldTexts(body));
            case 'A' -> new Texts(type, body, List.of(payload(body)));
            default -> throw new IllegalArgumentException("message type " + type + " carries no free text");
        };
    }

    /** The message of {@link #texts} with the masked texts, or null when nothing changed. */
    static byte[] rebuild(Texts texts, List<String> masked) {
        return switch (texts.type()) {
            case 'd' -> copyRow(texts.clear().get(0), masked.get(0));
            case 'N', 'E' -> rebuildFields(texts.type(), texts.body(), texts.clear(), masked);
            case 'A' -> rebuildNotification(texts.body(), texts.clear().get(0), masked.get(0));
            default -> throw new IllegalArgumentException("message type " + texts.type() + " carries no free text");
        };
    }
}
