package dev.hoop.agent.postgres;

import dev.hoop.agent.postgres.RowDescriptions.Column;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** DataRow messages rebuilt with masked values: one row at a time, or decoded rows masked in a batch by a remote masker. */
final class DataRows {
    private DataRows() {
    }

    /**
     * A DataRow decoded for a remote masker, to be masked in a batch with the rows around it
     * ({@link dev.hoop.agent.dlp.TextMasker#maskRows}) and written by {@link #rewrite}: the text of each value that
     * may be masked (null for NULL and values that carry no text).
     */
    record Row(Column[] columns, byte[] body, String[] cells) {}

    /** The DataRow message with the masked cells, or null when nothing changed. */
    static byte[] rewrite(Row row, String[] masked) {
        ByteBuffer in = ByteBuffer.wrap(row.body());
        int n = in.getShort() & 0xFFFF;
        byte[][] values = null;
        int delta = 0;
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            int start = in.position();
            if (len >= 0) {
                in.position(start + len);
            }
            String clear = row.cells()[i];
            if (clear == null || masked[i] == clear || masked[i].equals(clear)) {
                continue;
            }
            Column column = row.columns()[i];
            int skip = column.format() == 1 && column.typeOid() == DataRowMasking.JSONB && len > 0 ? 1 : 0; // jsonb's version byte, kept
            byte[] text = masked[i].getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[skip + text.length];
            System.arraycopy(row.body(), start, value, 0, skip);
            System.arraycopy(text, 0, value, skip, text.length);
            if (values == null) {
                values = new byte[n][];
            }
            values[i] = value;
            delta += value.length - len;
        }
        return values == null ? null : build(row.body(), n, values, delta);
    }

    /** The DataRow message with the changed values (null entries: as they were). */
    static byte[] build(byte[] body, int n, byte[][] values, int delta) {
        ByteBuffer in = ByteBuffer.wrap(body);
        in.position(2);
        ByteBuffer out = ByteBuffer.allocate(5 + body.length + delta);
        out.put((byte) 'D').putInt(4 + body.length + delta).putShort((short) n);
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                out.putInt(len);
                continue;
            }
            if (values[i] != null) {
                out.putInt(values[i].length).put(values[i]);
            } else {
                out.putInt(len).put(body, in.position(), len);
            }
            in.position(in.position() + len);
        }
        return out.array();
    }
}
