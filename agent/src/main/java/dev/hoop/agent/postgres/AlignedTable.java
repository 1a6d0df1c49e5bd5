package dev.hoop.agent.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * One query result in psql's default output (aligned, border 1): centred header, a dashed line,
 * the rows (numbers right-aligned, NULL empty, multi-line values continued with {@code +}), then
 * {@code (n rows)} and an empty line. Rows are rendered in batches ({@link #flush}) so a huge
 * result is never held whole; each batch sizes its own columns, as psql does with FETCH_COUNT.
 */
final class AlignedTable {
    private final Cell[] header;
    private final boolean[] rightAligned;
    private final List<Cell[]> rows = new ArrayList<>();
    private long rowCount;
    private boolean headerPrinted;

    AlignedTable(String[] names, boolean[] rightAligned) {
        this.header = new Cell[names.length];
        for (int i = 0; i < names.length; i++) {
            header[i] = Cell.of(names[i]);
        }
        this.rightAligned = rightAligned;
    }

    /** One row; a null value is SQL NULL (shown empty). */
    void add(String[] values) {
        Cell[] row = new Cell[values.length];
        for (int i = 0; i < values.length; i++) {
            row[i] = Cell.of(values[i] == null ? "" : values[i]);
        }
        rows.add(row);
        rowCount++;
    }

    int buffered() {
        return rows.size();
    }

    /** Renders the rows added since the last flush (after the header, the first time). */
    void flush(StringBuilder out) {
        if (headerPrinted && rows.isEmpty()) {
            return;
        }
        int columns = header.length;
        if (columns == 0) {
            // psql prints a lone "--" for a result without columns, and nothing per row.
            if (!headerPrinted) {
                out.append("--\n");
            }
            headerPrinted = true;
            rows.clear();
            return;
        }
        int[] widths = new int[columns];
        for (int c = 0; c < columns; c++) {
            widths[c] = header[c].width;
        }
        for (Cell[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].width);
            }
        }
        if (!headerPrinted) {
            printRow(out, header, widths, true);
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    out.append('+');
                }
                out.repeat('-', widths[c] + 2);
            }
            out.append('\n');
            headerPrinted = true;
        }
        for (Cell[] row : rows) {
            printRow(out, row, widths, false);
        }
        rows.clear();
    }

    /** The last batch and the footer. */
    void finish(StringBuilder out) {
        flush(out);
        out.append(rowCount == 1 ? "(1 row)\n\n" : "(" + rowCount + " rows)\n\n");
    }

    private void printRow(StringBuilder out, Cell[] row, int[] widths, boolean isHeader) {
        int height = 1;
        for (Cell cell : row) {
            height = Math.max(height, cell.lines.length);
        }
        int last = row.length - 1;
        for (int line = 0; line < height; line++) {
            for (int c = 0; c <= last; c++) {
                Cell cell = row[c];
                boolean has = line < cell.lines.length;
                String text = has ? cell.lines[line] : "";
                int textWidth = has ? cell.lineWidths[line] : 0;
                boolean continues = line < cell.lines.length - 1;
                int pad = widths[c] - textWidth;
                out.append(c == 0 ? " " : "| ");
                if (isHeader) {
                    out.repeat(' ', pad / 2).append(text).repeat(' ', (pad + 1) / 2);
                    out.append(continues ? '+' : ' ');
                } else if (!has && c == last) {
                    // psql pads a finished cell only when another column follows
                    continue;
                } else if (rightAligned[c]) {
                    out.repeat(' ', pad).append(text);
                    if (c < last || continues) {
                        out.append(continues ? '+' : ' ');
                    }
                } else {
                    out.append(text);
                    if (c < last || continues) {
                        out.repeat(' ', pad).append(continues ? '+' : ' ');
                    }
                }
            }
            out.append('\n');
        }
    }

    /** A value as psql shows it: split at newlines, tabs expanded, other control characters escaped. */
    private record Cell(String[] lines, int[] lineWidths, int width) {
        static Cell of(String value) {
            List<String> lines = new ArrayList<>();
            List<Integer> widths = new ArrayList<>();
            StringBuilder b = new StringBuilder();
            int w = 0;
            for (int i = 0; i < value.length(); ) {
                int cp = value.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == '\n') {
                    lines.add(b.toString());
                    widths.add(w);
                    b.setLength(0);
                    w = 0;
                } else if (cp == '\t') {
                    int spaces = 8 - w % 8;
                    b.repeat(' ', spaces);
                    w += spaces;
                } else if (cp == '\r') {
                    b.append("\\r");
                    w += 2;
                } else if (cp < 0x20 || cp == 0x7f) {
                    b.append(String.format("\\x%02X", cp));
                    w += 4;
                } else {
                    b.appendCodePoint(cp);
                    w += DisplayWidth.of(cp);
                }
            }
            lines.add(b.toString());
            widths.add(w);
            int max = 0;
            int[] lw = new int[widths.size()];
            for (int i = 0; i < lw.length; i++) {
                lw[i] = widths.get(i);
                max = Math.max(max, lw[i]);
            }
            return new Cell(lines.toArray(String[]::new), lw, max);
        }
    }
}
