package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.postgres.RowDescriptions.Column;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Masks the values of {@code DataRow} messages, each by its column's name, type and format (the
 * columns {@link RowDescriptions} attributes to the row): text values and binary values of text
 * types are masked as text; binary values of other types pass when no rule would replace them and
 * are refused otherwise, as is any binary type it does not know. Apart from the row attribution
 * because it is about values, not about which message answers which request; masking fails closed:
 * a value it cannot mask is a {@link MaskingRefusal}, never passed in the clear.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class DataRowMasking {
    /** Binary-format types whose value is text: masked like a text value (jsonb after its version byte). */
    private static final Set<Integer> TEXT_TYPES = Set.of(25, 1043, 1042, 19, 114, 705, 3802);
    static final int JSONB = 3802;
    /** Binary-format types that carry no text (numbers, times, uuid, bytes): passed as they are. */
    private static final Set<Integer> NON_TEXT_TYPES = Set.of(16, 17, 18, 20, 21, 23, 26, 28, 700, 701, 790, 1082, 1083,
            1114, 1184, 1186, 1266, 1560, 1562, 1700, 2950, 5069);

    private final TextMasker masker;
    private final ClientEncoding encoding;
    private final Map<String, Boolean> wholeColumns = new HashMap<>();

    DataRowMasking(TextMasker masker, ClientEncoding encoding) {
        this.masker = masker;
        this.encoding = encoding;
    }

    /**
     * A DataRow's body, its values masked one by one.
     *
     * @return the DataRow message with the masked values, or null when nothing changed
     */
    byte[] mask(byte[] body, Column[] columns) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int n = rowWidth(in, columns);
        byte[][] values = null;
        int delta = 0;
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                continue; // NULL stays NULL
            }
            int start = in.position();
            in.position(start + len);
            byte[] masked = value(columns[i], body, start, len);
            if (masked != null) {
                if (values == null) {
                    values = new byte[n][];
                }
                values[i] = masked;
                delta += masked.length - len;
            }
        }
        return values == null ? null : DataRows.build(body, n, values, delta);
    }

    /** The remote masker's half of {@link #mask}: the same checks, the values' text decoded, no masking yet. */
    DataRows.Row decode(byte[] body, Column[] columns) {
        ByteBuffer in = ByteBuffer.wrap(body);
        int n = rowWidth(in, columns);
        String[] cells = new String[n];
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                continue;
            }
            int start = in.position();
            in.position(start + len);
            int skip = textSkip(columns[i], len);
            if (skip >= 0) {
                cells[i] = encoding.decode(body, start + skip, len - skip);
            }
        }
        return new DataRows.Row(columns, body, cells);
    }

    private static int rowWidth(ByteBuffer in, Column[] columns) {
        int n = in.getShort() & 0xFFFF;
        if (n != columns.length) {
            throw new MaskingRefusal("XX000", "a row has " + n + " values but its description " + columns.length + " columns");
        }
        return n;
    }

    /**
     * Where a value's text starts (0, or 1 after jsonb's version byte), or -1 when it carries no
     * text; refuses what cannot be masked, as {@link #value} does.
     */
    private int textSkip(Column column, int len) {
        if (column.format() == 0) {
            return 0;
        }
        if (column.format() == 1 && TEXT_TYPES.contains(column.typeOid())) {
            return column.typeOid() == JSONB && len > 0 ? 1 : 0;
        }
        value(column, new byte[0], 0, 0); // the refusals of a binary value; returns null for the others
        return -1;
    }

    /** The masked value of one column, or null when unchanged. */
    private byte[] value(Column column, byte[] body, int start, int len) {
        if (column.format() == 0) {
            return maskedText(column.name(), body, start, len, 0);
        }
        if (column.format() != 1) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\": result format " + column.format() + " is unknown");
        }
        if (TEXT_TYPES.contains(column.typeOid())) {
            int skip = column.typeOid() == JSONB && len > 0 ? 1 : 0; // jsonb's version byte
            return maskedText(column.name(), body, start, len, skip);
        }
        if (!NON_TEXT_TYPES.contains(column.typeOid())) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\" (type oid " + column.typeOid()
                    + ") comes in binary format, which hoop cannot mask; ask for it in text format");
        }
        if (maskedWhole(column)) {
            throw new MaskingRefusal("0A000", "column \"" + column.name() + "\" must be masked by a column rule but comes in"
                    + " binary format (type oid " + column.typeOid() + "), where no masked value can be written; ask for it in text format");
        }
        return null;
    }

    /**
     * Whether the masker would replace this column's values whatever they are (a column rule, or a
     * labelled column such as a date of birth): probed once per column name and type with a sample
     * of the type's text form, since a binary value cannot be rewritten.
     */
    private boolean maskedWhole(Column column) {
        return wholeColumns.computeIfAbsent(column.name() + "\0" + column.typeOid(), k -> {
            String probe = switch (column.typeOid()) {
                case 1082 -> "1990-01-31";
                case 1114, 1184 -> "1990-01-31 00:00:00";
                default -> "0";
            };
            // The contract: the same instance when nothing changed; a new one (even if equal) counts as masked.
            return masker.maskValue(column.name(), probe) != probe;
        });
    }

    private byte[] maskedText(String column, byte[] body, int start, int len, int skip) {
        String clear = encoding.decode(body, start + skip, len - skip);
        String masked = masker.maskValue(column, clear);
        if (masked == clear || masked.equals(clear)) {
            return null;
        }
        byte[] text = MessageBytes.utf8(masked);
        byte[] out = new byte[skip + text.length];
        System.arraycopy(body, start, out, 0, skip);
        System.arraycopy(text, 0, out, skip, text.length);
        return out;
    }
}
