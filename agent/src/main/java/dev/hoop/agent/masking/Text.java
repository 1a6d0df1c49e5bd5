package dev.hoop.agent.masking;

/**
 * The text a scan reads, with what a detector needs to stay correct on a stream: a detector reads
 * only through {@link #at}, which answers -1 past either end; reading past the end of a chunk that
 * is not the last sets {@link #hitEnd}, and the scan then waits for more text instead of deciding.
 * Holds the detector's answer too (match bounds, type), so that a scan allocates nothing per character.
 */
final class Text {
    // ASCII character classes, one table lookup per character.
    static final int DIGIT = 1, UPPER = 2, LOWER = 4, HEX = 8, LOCAL = 16, DOMAIN = 32, B64URL = 64, TOKEN = 128;
    static final int ALNUM = DIGIT | UPPER | LOWER;
    private static final int[] CLS = new int[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLS[c] = DIGIT | HEX | LOCAL | DOMAIN | B64URL | TOKEN;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            CLS[c] = UPPER | LOCAL | DOMAIN | B64URL | TOKEN | (c <= 'F' ? HEX : 0);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLS[c] = LOWER | LOCAL | DOMAIN | B64URL | TOKEN | (c <= 'f' ? HEX : 0);
        }
        for (char c : "._%+-".toCharArray()) {
            CLS[c] |= LOCAL;
        }
        CLS['-'] |= DOMAIN | B64URL | TOKEN;
        CLS['_'] |= B64URL | TOKEN;
        for (char c : ".~+/".toCharArray()) {
            CLS[c] |= TOKEN;
        }
    }

    final String s;
    final int len;
    final boolean eof;
    boolean hitEnd;

    // The last detector's answer.
    int start;
    int end;
    InfoType type;
    /** The value goes on past {@link #end} (longer than a detector reads at once): mask what follows too. */
    Continuation cont = Continuation.NONE;

    // Scratch for the number and IBAN detectors: the digits of a run and its groups. Made on first
    // use: most result values never need it.
    char[] digits;
    int[] groupLen;
    int[] sepCode;
    int[] groupEnd;

    private int nextAt = -1;

    Text(String s, int len, boolean eof) {
        this.s = s;
        this.len = len;
        this.eof = eof;
    }

    void scratch() {
        if (digits == null) {
            digits = new char[64];
            groupLen = new int[12];
            sepCode = new int[12];
            groupEnd = new int[12];
        }
    }

    /** The character at j, or -1 before the start or past the end (past the end of a non-final chunk: {@link #hitEnd}). */
    int at(int j) {
        if (j >= len) {
            if (!eof) {
                hitEnd = true;
            }
            return -1;
        }
        return j < 0 ? -1 : s.charAt(j);
    }

    static int cls(int c) {
        return c >= 0 && c < 128 ? CLS[c] : 0;
    }

    static boolean is(int c, int mask) {
        return c >= 0 && c < 128 && (CLS[c] & mask) != 0;
    }

    /** A letter or digit, ASCII or not: what makes "inside a word". */
    static boolean wordChar(int c) {
        return c >= 0 && (c < 128 ? (CLS[c] & ALNUM) != 0 : Character.isLetterOrDigit(c));
    }

    static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** Whether the text at j starts with the lower-case ASCII word w, ignoring case. */
    boolean startsWithIgnoreCase(int j, String w) {
        for (int k = 0; k < w.length(); k++) {
            if (lower(at(j + k)) != w.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether [from, to) holds the lower-case needle, ignoring case (reads only inside the range). */
    boolean containsIgnoreCase(int from, int to, String needle) {
        int n = needle.length();
        char first = needle.charAt(0);
        for (int j = from; j + n <= to; j++) {
            if (lower(s.charAt(j)) == first) {
                int k = 1;
                while (k < n && lower(s.charAt(j + k)) == needle.charAt(k)) {
                    k++;
                }
                if (k == n) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The next '@' at or after i if it is within {@code reach} characters, -1 if there is none that
     * near, -2 if this chunk ends too soon to tell (the caller then reads on and may hit the end).
     */
    int nextAtWithin(int i, int reach) {
        if (nextAt < i && nextAt != Integer.MAX_VALUE) {
            nextAt = Integer.MAX_VALUE;
            for (int j = i; j < len; j++) {
                if (s.charAt(j) == '@') {
                    nextAt = j;
                    break;
                }
            }
        }
        if (nextAt != Integer.MAX_VALUE) {
            return nextAt - i <= reach ? nextAt : -1;
        }
        return len - i <= reach && !eof ? -2 : -1;
    }

    /** Ends (matched) with the given bounds and type. */
    boolean found(int from, int to, InfoType t) {
        start = from;
        end = to;
        type = t;
        return true;
    }
}
