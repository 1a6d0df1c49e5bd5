package dev.hoop.client.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: upper-case headers, columns padded to their widest cell, two spaces apart.
 * Cells come from JSON fields; arrays are joined with commas, missing values shown as {@code -}.
 */
public final class Table {
    private final List<Column> columns;

    /**
     * @param header the title
     * @param field  the JSON field it shows
     * @param joiner what goes between the elements of an array value
     */
    public record Column(String header, String field, String joiner) {
        public Column(String header, String field) {
            this(header, field, ",");
        }
    }

    public Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public static Table of(String... headerFieldPairs) {
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < headerFieldPairs.length; i += 2) {
            cols.add(new Column(headerFieldPairs[i], headerFieldPairs[i + 1]));
        }
        return new Table(cols);
    }

    /** Renders every element of {@code rows} (a JSON array or one object); ends with a newline. */
    public String render(JsonNode rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toList());
        if (rows != null && rows.isArray()) {
            rows.forEach(row -> cells.add(row(row)));
        } else if (rows != null && rows.isObject()) {
            cells.add(row(rows));
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                text.append(line.get(i));
                if (i < widths.length - 1) {
                    text.append(" ".repeat(widths[i] - line.get(i).length() + 2));
                }
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private List<String> row(JsonNode row) {
        return columns.stream().map(c -> cell(row.get(c.field()), c.joiner())).toList();
    }

    static String cell(JsonNode value, String joiner) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(v.isValueNode() ? v.asText() : v.toString()));
            return parts.isEmpty() ? "-" : String.join(joiner, parts);
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        return text.isEmpty() ? "-" : text.replace('\n', ' ');
    }
}
