package dev.hoop.gateway.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Highlighted snippets: a short window of the recorded text around the first matches of the
 * query's words and phrases, with the matches as character ranges of the snippet (the caller
 * decides how to mark them; no markup is put into recorded text, which may contain anything).
 */
public final class Snippets {
    /** Characters shown before the first match and in all. */
    static final int BEFORE = 60;
    static final int WIDTH = 200;
    private static final int MAX_MATCHES = 8;

    /** @param matches {@code [start, end)} ranges in {@code text} */
    public record Snippet(String field, String text, List<int[]> matches) {}

    private Snippets() {}

    /** @param wanted each positive word or phrase of the query as its tokens */
    static Snippet of(String field, String text, List<List<String>> wanted, Analyzer analyzer) {
        if (text == null || text.isEmpty() || wanted.isEmpty()) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        List<int[]> offsets = new ArrayList<>();
        List<int[]> found = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            ts.reset();
            int windowEnd = Integer.MAX_VALUE;
            while (ts.incrementToken() && offset.startOffset() < windowEnd) {
                tokens.add(term.toString());
                offsets.add(new int[] {offset.startOffset(), offset.endOffset()});
                int last = tokens.size() - 1;
                for (List<String> w : wanted) {
                    int first = last - w.size() + 1;
                    if (first >= 0 && tokens.subList(first, last + 1).equals(w)) {
                        found.add(new int[] {offsets.get(first)[0], offsets.get(last)[1]});
                        if (found.size() == 1) {
                            windowEnd = Math.max(0, found.getFirst()[0] - BEFORE) + WIDTH;
                        }
                        break;
                    }
                }
                if (found.size() >= MAX_MATCHES) {
                    break;
                }
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("search: highlighting", e);
        }
        if (found.isEmpty()) {
            return null;
        }
        int from = Math.max(0, found.getFirst()[0] - BEFORE);
        int to = Math.min(text.length(), from + WIDTH);
        // do not cut a surrogate pair in two
        if (from > 0 && Character.isLowSurrogate(text.charAt(from))) {
            from++;
        }
        if (to < text.length() && Character.isLowSurrogate(text.charAt(to))) {
            to--;
        }
        List<int[]> ranges = new ArrayList<>();
        for (int[] m : found) {
            if (m[0] >= from && m[1] <= to) {
                ranges.add(new int[] {m[0] - from, m[1] - from});
            }
        }
        return new Snippet(field, text.substring(from, to), ranges);
    }
}
