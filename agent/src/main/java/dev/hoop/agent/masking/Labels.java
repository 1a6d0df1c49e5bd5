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

    /** Whether one of the lower-case words labels the value at i. */
    static boolean before(Text t, int i, String[] words) {
        for (String w : words) {
            int from = Math.max(0, i - GAP - w.length());
            for (int j = i - w.length(); j >= from; j--) {
                if (Text.lower(t.at(j)) == w.charAt(0) && t.startsWithIgnoreCase(j, w)) {
                    return noDigit(t, j + w.length(), i);
                }
            }
        }
        return false;
    }

    private static boolean noDigit(Text t, int from, int to) {
        for (int k = from; k < to; k++) {
            if (Text.is(t.at(k), Text.DIGIT)) {
                return false;
            }
        }
        return true;
    }
}
