package dev.hoop.agent.masking;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in redaction engine for one session: finds the policy's info types in result values,
 * free text and streamed output, and replaces them in the policy's formats (docs/masking.md).
 * Thread-safe; one per session. Methods may throw RuntimeException: callers fail closed (send an
 * error, never the clear value).
 */
public final class Masker {
    /** The most a {@link StreamMasker} withholds at the end of a chunk, in characters. */
    public static final int MAX_WITHHELD = Scanner.MAX_LOOKAHEAD;
    /** The already-emitted characters a stream keeps for look-behind (labels such as "DOB:"). */
    static final int STREAM_CONTEXT = 64;

    private final MaskingPolicy policy;
    private final long enabled;
    private final Replacer replacer;
    private final ColumnRules columns;
    private static final int TYPES = InfoType.values().length;
    private final LongAdder[] counts = new LongAdder[TYPES];

    public Masker(MaskingPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        long bits = 0;
        for (InfoType t : policy.infoTypes()) {
            bits |= t.bit();
        }
        this.enabled = bits & ~InfoType.COLUMN.bit();
        this.replacer = new Replacer(policy);
        this.columns = new ColumnRules(policy.columnGlobs());
        for (int k = 0; k < counts.length; k++) {
            counts[k] = new LongAdder();
        }
    }

    public MaskingPolicy policy() {
        return policy;
    }

    /**
     * One result value in text form. Column rules and labelled columns (DATE_OF_BIRTH: dob,
     * birth_date, …; US_PASSPORT: passport…) apply. Returns the same String instance when nothing
     * changed; null stays null.
     */
    public String maskValue(String columnName, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        ColumnRules.Kind kind = columns.kind(columnName);
        if (kind == ColumnRules.Kind.RULE) {
            return whole(InfoType.COLUMN, value);
        }
        if (kind == ColumnRules.Kind.BIRTH_DATE && (enabled & InfoType.DATE_OF_BIRTH.bit()) != 0 && hasDigit(value)) {
            return whole(InfoType.DATE_OF_BIRTH, value);
        }
        return scan(value, kind == ColumnRules.Kind.PASSPORT);
    }

    /** Free text in one piece (notices, error messages). Returns the same instance when nothing changed. */
    public String maskText(String text) {
        if (text == null || text.isEmpty() || enabled == 0) {
            return text;
        }
        return scan(text, false);
    }

    /** For chunked output; bounded look-behind so that a value spanning two chunks is masked. */
    public StreamMasker stream() {
        return new Stream();
    }

    /** Redactions so far, per type (a snapshot; types never found are absent). */
    public Map<InfoType, Long> counts() {
        Map<InfoType, Long> snapshot = new EnumMap<>(InfoType.class);
        for (InfoType t : InfoType.values()) {
            long n = counts[t.ordinal()].sum();
            if (n > 0) {
                snapshot.put(t, n);
            }
        }
        return java.util.Collections.unmodifiableMap(snapshot);
    }

    private String whole(InfoType type, String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        replacer.append(out, type, value, 0, value.length(), false);
        counts[type.ordinal()].increment();
        return out.toString();
    }

    private static boolean hasDigit(String value) {
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private String scan(String text, boolean passportColumn) {
        if (enabled == 0 || !Prefilter.mayHoldAny(text)) {
            return text;
        }
        Text t = new Text(text, text.length(), true);
        Output out = new Output(text, 0);
        Scanner.scan(t, 0, enabled, passportColumn, new Scanner.State(), out);
        if (out.sb == null) {
            return text;
        }
        out.addCounts();
        return out.finish(text.length());
    }

    /** Copies the text between matches and writes each match's replacement; counts what it replaced. */
    private final class Output implements Scanner.Sink {
        private final String s;
        private int[] found; // made on the first match: most texts have none
        private int pos;
        StringBuilder sb;

        Output(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        @Override
        public void match(int start, int end, InfoType type, boolean continuation) {
            if (sb == null) {
                sb = new StringBuilder(s.length() + 32);
            }
            sb.append(s, pos, start);
            replacer.append(sb, type, s, start, end, continuation);
            pos = end;
            if (!continuation) {
                if (found == null) {
                    found = new int[TYPES];
                }
                found[type.ordinal()]++;
            }
        }

        /** One addition per type and call, not per value: LongAdder increments cost more than an array. */
        void addCounts() {
            if (found == null) {
                return;
            }
            for (int k = 0; k < found.length; k++) {
                if (found[k] != 0) {
                    counts[k].add(found[k]);
                    found[k] = 0;
                }
            }
        }

        String finish(int upTo) {
            if (sb == null) {
                return s.subSequence(pos, upTo).toString();
            }
            sb.append(s, pos, upTo);
            return sb.toString();
        }
    }

    /**
     * The buffer holds up to {@link #STREAM_CONTEXT} characters already emitted (read-only context)
     * and the withheld text after them; each push scans from the first withheld character. The
     * buffer is a String (copied once per chunk): the scan reads a String fastest.
     */
    final class Stream implements StreamMasker {
        private final Scanner.State state = new Scanner.State();
        private String buf = "";
        private int emitted; // characters of buf already emitted (the context)
        private boolean finished;

        @Override
        public String push(CharSequence chunk) {
            if (finished) {
                throw new IllegalStateException("masking stream already finished");
            }
            buf = buf.concat(chunk.toString());
            return drain(false);
        }

        @Override
        public String finish() {
            if (finished) {
                return "";
            }
            String out = drain(true);
            finished = true;
            buf = "";
            return out;
        }

        @Override
        public String flush() {
            if (finished) {
                throw new IllegalStateException("masking stream already finished");
            }
            return drain(true);
        }

        private String drain(boolean eof) {
            if (enabled == 0) {
                String all = buf.substring(emitted);
                buf = "";
                emitted = 0;
                return all;
            }
            Text t = new Text(buf, buf.length(), eof);
            Output out = new Output(buf, emitted);
            int stop = Scanner.scan(t, emitted, enabled, false, state, out);
            out.addCounts();
            String result = out.finish(stop);
            int drop = Math.max(0, stop - STREAM_CONTEXT);
            buf = buf.substring(drop);
            emitted = stop - drop;
            return result;
        }

        /** Characters withheld now (for tests of the bound). */
        int withheld() {
            return buf.length() - emitted;
        }
    }
}
