package dev.hoop.agent.dlp.gcp;

import dev.hoop.agent.dlp.MaskingUnavailableException;
import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;
import dev.hoop.agent.masking.StreamMasker;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * A session's masker backed by Google DLP: the policy's info types are found and replaced by
 * {@code content:deidentify}; its column rules are applied in the agent (the built-in engine with
 * no info types), so those values are never sent. Rows go in batches bounded by
 * {@link DlpSettings#maxRows} and {@link DlpSettings#maxBytes}, free texts ({@link #maskTexts}) the
 * same way as a table of one column; the answer is mapped back cell by cell. Any failure throws {@link MaskingUnavailableException} (callers withhold the data).
 * Thread-safe.
 */
final class DlpMasker implements TextMasker {
    private static final String[] TEXT_COLUMN = {"text"};

    private final DlpClient client;
    private final DlpSettings settings;
    private final DeidentifyRequest request;
    private final Masker columnRules;
    private final LongAdder[] counts = new LongAdder[InfoType.values().length];

    DlpMasker(MaskingPolicy policy, DlpClient client, DlpSettings settings) {
        this.client = client;
        this.settings = settings;
        this.request = new DeidentifyRequest(policy);
        this.columnRules = new Masker(new MaskingPolicy(Set.of(), policy.columnGlobs(), policy.formats(), policy.defaultFormat(),
                policy.hashKey()));
        for (int k = 0; k < counts.length; k++) {
            counts[k] = new LongAdder();
        }
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public String maskValue(String columnName, String value) {
        return maskRows(new String[] {columnName}, List.<String[]>of(new String[] {value})).get(0)[0];
    }

    @Override
    public String maskText(String text) {
        if (text == null || text.isEmpty() || request.empty()) {
            return text;
        }
        return maskRows(TEXT_COLUMN, List.<String[]>of(new String[] {text})).get(0)[0];
    }

    /** One column of texts, sent as {@link #maskRows} sends rows: the same bounds, the same splitting. */
    @Override
    public List<String> maskTexts(List<String> texts) {
        if (request.empty()) {
            return texts; // as maskText does: nothing for DLP
        }
        List<String[]> rows = new ArrayList<>(texts.size());
        for (String text : texts) {
            rows.add(new String[] {text});
        }
        List<String[]> masked = maskRows(TEXT_COLUMN, rows);
        List<String> out = new ArrayList<>(masked.size());
        for (String[] row : masked) {
            out.add(row[0]);
        }
        return out;
    }

    @Override
    public StreamMasker stream() {
        return new DlpStream(this);
    }

    @Override
    public Map<InfoType, Long> counts() {
        Map<InfoType, Long> snapshot = new EnumMap<>(InfoType.class);
        columnRules.counts().forEach((t, n) -> snapshot.merge(t, n, Long::sum));
        for (InfoType t : InfoType.values()) {
            long n = counts[t.ordinal()].sum();
            if (n > 0) {
                snapshot.merge(t, n, Long::sum);
            }
        }
        return java.util.Collections.unmodifiableMap(snapshot);
    }

    @Override
    public List<String[]> maskRows(String[] columns, List<String[]> rows) {
        int width = columns.length;
        List<String[]> out = new ArrayList<>(rows.size());
        // What goes to DLP per row ("" where nothing does), and which rows have anything at all.
        List<String[]> toSend = new ArrayList<>();
        List<Integer> sentIndex = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (row.length != width) {
                throw new IllegalArgumentException("a row has " + row.length + " cells for " + width + " columns");
            }
            String[] masked = row.clone();
            String[] send = null;
            for (int c = 0; c < width; c++) {
                String v = row[c];
                if (v == null || v.isEmpty()) {
                    continue;
                }
                String local = columnRules.maskValue(columns[c], v);
                if (local != v) {
                    masked[c] = local;
                } else if (!request.empty()) {
                    if (send == null) {
                        send = new String[width];
                        java.util.Arrays.fill(send, "");
                    }
                    send[c] = v;
                }
            }
            out.add(masked);
            if (send != null) {
                toSend.add(send);
                sentIndex.add(r);
            }
        }
        send(width, toSend, sentIndex, out);
        return out;
    }

    /** Sends the rows in batches bounded by rows and bytes, and writes each changed cell into {@code out}. */
    private void send(int width, List<String[]> toSend, List<Integer> sentIndex, List<String[]> out) {
        int overhead = request.overhead(width);
        int budget = settings.maxBytes() - overhead;
        List<String> json = new ArrayList<>();
        int bytes = 0;
        int first = 0;
        for (int i = 0; i < toSend.size(); i++) {
            String row = DeidentifyRequest.row(toSend.get(i));
            int size = DeidentifyRequest.utf8(row) + 1;
            if (size > budget) {
                throw new MaskingUnavailableException("a row of " + size + " bytes exceeds the " + settings.maxBytes()
                        + " bytes per Google DLP request (GOOGLE_DLP_MAX_BYTES, at most " + DlpSettings.API_MAX_BYTES
                        + "); the data was withheld");
            }
            if (!json.isEmpty() && (json.size() == settings.maxRows() || bytes + size > budget)) {
                call(width, json, toSend.subList(first, i), sentIndex.subList(first, i), out);
                json.clear();
                bytes = 0;
                first = i;
            }
            json.add(row);
            bytes += size;
        }
        if (!json.isEmpty()) {
            call(width, json, toSend.subList(first, toSend.size()), sentIndex.subList(first, toSend.size()), out);
        }
    }

    private void call(int width, List<String> json, List<String[]> sent, List<Integer> index, List<String[]> out) {
        DlpClient.Answer answer = client.deidentify(request.body(width, json), width, sent);
        for (int k = 0; k < sent.size(); k++) {
            String[] clear = sent.get(k);
            String[] masked = answer.rows().get(k);
            String[] target = out.get(index.get(k));
            for (int c = 0; c < width; c++) {
                if (!clear[c].isEmpty() && !masked[c].equals(clear[c])) {
                    target[c] = masked[c];
                }
            }
        }
        answer.counts().forEach((name, n) -> {
            InfoType t = DeidentifyRequest.ours(name);
            if (t != null) {
                counts[t.ordinal()].add(n);
            }
        });
    }
}
