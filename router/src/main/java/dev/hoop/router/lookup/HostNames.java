package dev.hoop.router.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hipache's host matching: the Host header without its port, lowercased; then the candidate
 * keys in lookup order — the exact host, then {@code *.}-wildcards of up to 5 levels computed
 * from the last 6 labels, then {@code *}.
 */
public final class HostNames {
    static final int KEPT_LABELS = 6;

    private HostNames() {}

    /** The host of a Host header, port stripped and lowercased; empty when there is none. */
    public static String normalize(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /** The keys to look up for a normalised host, in order. */
    public static List<String> candidates(String host) {
        List<String> out = new ArrayList<>(KEPT_LABELS + 2);
        out.add(host);
        String[] labels = host.split("\\.", -1);
        int from = Math.max(0, labels.length - KEPT_LABELS);
        for (int start = from + 1; start < labels.length; start++) {
            out.add("*." + String.join(".", java.util.Arrays.copyOfRange(labels, start, labels.length)));
        }
        out.add("*");
        return out;
    }
}
