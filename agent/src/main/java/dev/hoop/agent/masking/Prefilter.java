package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.AWS_ACCESS_KEY;
import static dev.hoop.agent.masking.InfoType.BEARER_TOKEN;
import static dev.hoop.agent.masking.InfoType.BRAZIL_CPF_NUMBER;
import static dev.hoop.agent.masking.InfoType.CREDIT_CARD_NUMBER;
import static dev.hoop.agent.masking.InfoType.DATE_OF_BIRTH;
import static dev.hoop.agent.masking.InfoType.HTTP_COOKIE;
import static dev.hoop.agent.masking.InfoType.IBAN_CODE;
import static dev.hoop.agent.masking.InfoType.IMEI_HARDWARE_ID;
import static dev.hoop.agent.masking.InfoType.IP_ADDRESS;
import static dev.hoop.agent.masking.InfoType.JSON_WEB_TOKEN;
import static dev.hoop.agent.masking.InfoType.PEM_PRIVATE_KEY;
import static dev.hoop.agent.masking.InfoType.PHONE_NUMBER;
import static dev.hoop.agent.masking.InfoType.STORAGE_SIGNED_URL;
import static dev.hoop.agent.masking.InfoType.URL;
import static dev.hoop.agent.masking.InfoType.US_PASSPORT;
import static dev.hoop.agent.masking.InfoType.US_SOCIAL_SECURITY_NUMBER;
import static dev.hoop.agent.masking.InfoType.VEHICLE_IDENTIFICATION_NUMBER;

/**
 * The scan's cheap decisions at a word start, taken before any detector runs: which types can start
 * with its first character, which of them the whole word's length and first characters still allow,
 * and whether an '@' follows close enough, through e-mail characters only. Each decision is a
 * necessary condition of its detector (the detector checks again), read only from characters the
 * chunk holds, so a stream still gives exactly the one-piece result.
 */
final class Prefilter {
    /** Per ASCII character, the types whose values can start with it (e-mail and IPv6 aside). */
    private static final long[] START = new long[128];

    static {
        long numbers = PHONE_NUMBER.bit() | CREDIT_CARD_NUMBER.bit() | IP_ADDRESS.bit() | US_SOCIAL_SECURITY_NUMBER.bit()
                | US_PASSPORT.bit() | BRAZIL_CPF_NUMBER.bit() | IMEI_HARDWARE_ID.bit() | DATE_OF_BIRTH.bit() | VEHICLE_IDENTIFICATION_NUMBER.bit();
        for (char c = '0'; c <= '9'; c++) {
            START[c] = numbers;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            START[c] = IBAN_CODE.bit() | US_PASSPORT.bit() | VEHICLE_IDENTIFICATION_NUMBER.bit();
        }
        START['A'] |= AWS_ACCESS_KEY.bit();
        for (char c : "hHfF".toCharArray()) {
            START[c] |= URL.bit() | STORAGE_SIGNED_URL.bit();
        }
        START['e'] |= JSON_WEB_TOKEN.bit();
        for (char c : "cCsS".toCharArray()) {
            START[c] |= HTTP_COOKIE.bit();
        }
        START['b'] |= BEARER_TOKEN.bit();
        START['B'] |= BEARER_TOKEN.bit();
        START['-'] = PEM_PRIVATE_KEY.bit();
        START['+'] = PHONE_NUMBER.bit();
        START['('] = PHONE_NUMBER.bit();
    }

    private Prefilter() {
    }

    /** The types that can start with the ASCII character c. */
    static long start(char c) {
        return START[c];
    }

    /** The end of the word (letters and digits, ASCII or not) that goes on at j. */
    static int wordEnd(String s, int j, int len) {
        while (j < len && Text.wordChar(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /**
     * Of the possible types at the word start i (first character c), those that the word [i, end)
     * still allows; the word must be whole (end is inside the text, or the text is complete). A VIN
     * is a word of 17, an AWS key id of 20, a lettered passport number of 9; a URL scheme is a word of
     * 3 to 5 before ':'; "cookie" a word of 6 before ':', "set" before '-'; "bearer" a word of 6; an
     * IBAN starts with two letters and two digits.
     */
    static long byWord(String s, int i, int end, int len, char c, long possible) {
        int n = end - i;
        int next = end < len ? s.charAt(end) : -1;
        long keep = possible;
        if (n != 17) {
            keep &= ~VEHICLE_IDENTIFICATION_NUMBER.bit();
        }
        if (c >= 'A' && c <= 'Z') {
            if (n != 9) {
                keep &= ~US_PASSPORT.bit(); // the letter form; a number's passport is in the number types
            }
            if (n != 20) {
                keep &= ~AWS_ACCESS_KEY.bit();
            }
            if (n < 4 || !Text.is(s.charAt(i + 1), Text.UPPER) || !Text.is(s.charAt(i + 2), Text.DIGIT) || !Text.is(s.charAt(i + 3), Text.DIGIT)) {
                keep &= ~IBAN_CODE.bit();
            }
        }
        switch (c) {
            case 'h', 'H', 'f', 'F' -> {
                if (n < 3 || n > 5 || next != ':') {
                    keep &= ~(URL.bit() | STORAGE_SIGNED_URL.bit());
                }
            }
            case 'c', 'C' -> {
                if (n != 6 || next != ':') {
                    keep &= ~HTTP_COOKIE.bit();
                }
            }
            case 's', 'S' -> {
                if (n != 3 || next != '-') {
                    keep &= ~HTTP_COOKIE.bit();
                }
            }
            case 'b', 'B' -> {
                if (n != 6) {
                    keep &= ~BEARER_TOKEN.bit();
                }
            }
            default -> {
            }
        }
        return keep;
    }

    /**
     * Where the run of e-mail local-part characters that ends at the '@' at {@code at} starts,
     * looking back no further than {@code from} and {@link Addresses#MAX_LOCAL} characters: an
     * e-mail address can start only at or after it.
     */
    static int localRunStart(String s, int from, int at) {
        int lim = Math.max(from, at - Addresses.MAX_LOCAL);
        int r = at;
        while (r > lim && Text.is(s.charAt(r - 1), Text.LOCAL)) {
            r--;
        }
        return r;
    }

    /** Characters without which no value but a long token can be written: digits, '@', ':', '.', '-'. */
    private static final boolean[] KEY = new boolean[128];

    static {
        for (char c : "0123456789@:.-".toCharArray()) {
            KEY[c] = true;
        }
    }

    /**
     * Whether the whole text may hold a value of any type: false when it has no digit, '@', ':', '.'
     * or '-' (every type needs one, but a bearer token and an AWS key id) and no run of 16 token
     * characters (which those two need). One pass that stops at the first such character; most
     * result values (names, statuses, words) are then passed without a scan.
     */
    static boolean mayHoldAny(String s) {
        int run = 0;
        for (int k = 0, n = s.length(); k < n; k++) {
            char c = s.charAt(k);
            if (c < 128 && KEY[c]) {
                return true;
            }
            if (Text.is(c, Text.TOKEN) || c == '=') {
                if (++run >= 16) {
                    return true;
                }
            } else {
                run = 0;
            }
        }
        return false;
    }
}
