package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.MaskingUnavailableException;
import dev.hoop.agent.dlp.TextMasker;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * What one server read gives the client under a remote masker, held in arrival order until the
 * read is done: bytes ready to go, DataRows and free-text messages (COPY rows, notices, errors,
 * notifications) waiting to be masked. {@link #writeTo} then masks the rows with one
 * {@link TextMasker#maskRows} call per run of rows with the same columns and every free text of the
 * read with one {@link TextMasker#maskTexts} call (a remote provider splits them into a few
 * requests), and writes each message where it arrived. Bounded by one read (and the largest message
 * examined): the stage asks for the next read only after this one was written.
 *
 * <p>Not thread-safe: one per connection, used by one masking task at a time.
 */
final class RemoteBatch {
    private final TextMasker masker;
    /** byte[] (ready to go), DataRows.Row or FreeTextMasking.Texts, in arrival order. */
    private final List<Object> parts = new ArrayList<>();

    RemoteBatch(TextMasker masker) {
        this.masker = masker;
    }

    /** Whether nothing waits: bytes may then go to the output directly. */
    boolean isEmpty() {
        return parts.isEmpty();
    }

    /** Bytes to pass on as they are, after what waits. */
    void ready(byte[] bytes) {
        parts.add(bytes);
    }

    void row(DataRows.Row row) {
        parts.add(row);
    }

    void texts(FreeTextMasking.Texts texts) {
        parts.add(texts);
    }

    /** Drops what waits (the read is refused). */
    void clear() {
        parts.clear();
    }

    /**
     * Masks what waits and writes it all, in order, then forgets it.
     *
     * @throws RuntimeException whatever the masker throws; nothing is written then
     */
    void writeTo(ByteBuf out) {
        if (parts.isEmpty()) {
            return;
        }
        byte[][] messages = new byte[parts.size()][];
        maskRows(messages);
        maskTexts(messages);
        for (int k = 0; k < parts.size(); k++) {
            Object part = parts.get(k);
            if (messages[k] != null) {
                out.writeBytes(messages[k]);
            } else if (part instanceof byte[] bytes) {
                out.writeBytes(bytes);
            } else if (part instanceof DataRows.Row row) {
                out.writeByte('D').writeInt(4 + row.body().length).writeBytes(row.body());
            } else {
                FreeTextMasking.Texts texts = (FreeTextMasking.Texts) part;
                out.writeByte(texts.type()).writeInt(4 + texts.body().length).writeBytes(texts.body());
            }
        }
        parts.clear();
    }

    /** Each run of rows with the same columns in one call; a changed row's message goes into {@code messages}. */
    private void maskRows(byte[][] messages) {
        List<Integer> run = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            if (parts.get(k) instanceof DataRows.Row row) {
                if (!run.isEmpty() && ((DataRows.Row) parts.get(run.get(0))).columns() != row.columns()) {
                    maskRun(run, messages);
                    run.clear();
                }
                run.add(k);
            }
        }
        if (!run.isEmpty()) {
            maskRun(run, messages);
        }
    }

    private void maskRun(List<Integer> run, byte[][] messages) {
        DataRows.Row first = (DataRows.Row) parts.get(run.get(0));
        String[] names = new String[first.columns().length];
        for (int i = 0; i < names.length; i++) {
            names[i] = first.columns()[i].name();
        }
        List<String[]> cells = new ArrayList<>(run.size());
        for (int k : run) {
            cells.add(((DataRows.Row) parts.get(k)).cells());
        }
        List<String[]> masked = masker.maskRows(names, cells);
        if (masked.size() != run.size()) {
            throw new MaskingUnavailableException("the masker returned " + masked.size() + " rows for " + run.size());
        }
        for (int j = 0; j < run.size(); j++) {
            messages[run.get(j)] = DataRows.rewrite((DataRows.Row) parts.get(run.get(j)), masked.get(j));
        }
    }

    /** Every free text of the read in one call; a changed message goes into {@code messages}. */
    private void maskTexts(byte[][] messages) {
        List<String> clear = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof FreeTextMasking.Texts texts) {
                clear.addAll(texts.clear());
            }
        }
        if (clear.isEmpty()) {
            return;
        }
        List<String> masked = masker.maskTexts(clear);
        if (masked.size() != clear.size()) {
            throw new MaskingUnavailableException("the masker returned " + masked.size() + " texts for " + clear.size());
        }
        int next = 0;
        for (int k = 0; k < parts.size(); k++) {
            if (parts.get(k) instanceof FreeTextMasking.Texts texts) {
                int n = texts.clear().size();
                messages[k] = FreeTextMasking.rebuild(texts, masked.subList(next, next + n));
                next += n;
            }
        }
    }
}
