package dev.hoop.agent.masking;

/**
 * Context words before a value ("DOB: …", "passport no. …"): types that are plain numbers or dates
 * count only where labelled. The label must end at most {@link #GAP} characters before the value,
 * with no digit in between ("DOB: 1985-03-12, created 2024-01-15" labels the first date only). The
 * look-behind is at most {@link #REACH} characters, within the stream's kept context (docs/masking.md#streaming).
 */
final class Labels {
    static final int GAP = 20;
    static final int REACH = 40;

    private Labels() {
    }

    /**
     * Whether one of the lower-case words labels the value at i: reading back from i, a label
     * before any digit and within {@link #GAP} characters of i (plus the word's length).
     */
    static boolean before(Text t, int i, String[] words) {
        for (int j = i - 1; j >= 0 && j >= i - GAP - 12; j--) {
            int c = t.at(j);
            if (c >= '0' && c <= '9') {
                return false;
            }
            int lc = Text.lower(c);
            for (String w : words) {
                if (lc == w.charAt(0) && j + w.length() <= i && i - (j + w.length()) <= GAP && t.startsWithIgnoreCase(j, w)) {
                    return true;
                }
            }
        }
        return false;
    }
}
