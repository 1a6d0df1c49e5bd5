package dev.hoop.agent.dlp;

import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.StreamMasker;
import java.util.Map;

/**
 * What the PostgreSQL stage and the command output need of a masker ({@link Masker}'s methods);
 * a seam so that a masker that fails can be tested (fail closed) and another provider (Google
 * DLP) can take its place. Implementations are thread-safe and may throw: callers fail closed.
 */
public interface TextMasker {
    String maskValue(String columnName, String value);

    String maskText(String text);

    StreamMasker stream();

    Map<InfoType, Long> counts();

    /**
     * Whether calls may block on the network (a remote provider): callers then run them off their
     * event loop and hand values over in batches ({@link #maskRows}).
     */
    default boolean remote() {
        return false;
    }

    /**
     * The values of many rows of one result at once, with {@link #maskValue}'s contract per cell: a
     * null cell is left alone (NULL, or a value that carries no text), an unchanged cell comes back
     * as the same instance. A remote provider sends them in a few requests.
     *
     * @param columns the column name of each cell position
     * @return one array per row, in order
     */
    default java.util.List<String[]> maskRows(String[] columns, java.util.List<String[]> rows) {
        java.util.List<String[]> out = new java.util.ArrayList<>(rows.size());
        for (String[] row : rows) {
            String[] masked = row.clone();
            for (int i = 0; i < masked.length; i++) {
                if (masked[i] != null) {
                    masked[i] = maskValue(columns[i], masked[i]);
                }
            }
            out.add(masked);
        }
        return out;
    }

    /**
     * Many free texts at once (COPY rows, notices of one read), with {@link #maskText}'s contract per
     * text: an unchanged text comes back as the same instance. A remote provider sends them in a few
     * requests.
     *
     * @return the masked texts, in order
     */
    default java.util.List<String> maskTexts(java.util.List<String> texts) {
        java.util.List<String> out = new java.util.ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(maskText(text));
        }
        return out;
    }

    static TextMasker of(Masker masker) {
        return new TextMasker() {
            @Override
            public String maskValue(String columnName, String value) {
                return masker.maskValue(columnName, value);
            }

            @Override
            public String maskText(String text) {
                return masker.maskText(text);
            }

            @Override
            public StreamMasker stream() {
                return masker.stream();
            }

            @Override
            public Map<InfoType, Long> counts() {
                return masker.counts();
            }
        };
    }
}
