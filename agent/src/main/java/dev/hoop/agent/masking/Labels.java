package dev.hoop.agent.masking;

/**
 * Context words before a value ("DOB: …", "passport no. …"): types that are plain numbers or dates
 * count only where labelled. The look-behind is {@link #REACH} characters, within the stream's
 * kept context (docs/masking.md#streaming).
 */
final class Labels {
    static final int REACH = 40;

    private Labels() {
    }

    /** Whether one of the lower-case words occurs in the {@link #REACH} characters before i, ignoring case. */
    static boolean before(Text t, int i, String[] words) {
        int from = Math.max(0, i - REACH);
        for (String w : words) {
            for (int j = from; j + w.length() <= i; j++) {
                if (Text.lower(t.at(j)) == w.charAt(0) && t.startsWithIgnoreCase(j, w)) {
                    return true;
                }
            }
        }
        return false;
    }
}
