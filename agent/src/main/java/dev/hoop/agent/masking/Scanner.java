package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.AWS_ACCESS_KEY;
import static dev.hoop.agent.masking.InfoType.BRAZIL_CPF_NUMBER;
import static dev.hoop.agent.masking.InfoType.CREDIT_CARD_NUMBER;
import static dev.hoop.agent.masking.InfoType.DATE_OF_BIRTH;
import static dev.hoop.agent.masking.InfoType.IMEI_HARDWARE_ID;
import static dev.hoop.agent.masking.InfoType.PHONE_NUMBER;
import static dev.hoop.agent.masking.InfoType.US_SOCIAL_SECURITY_NUMBER;
import static dev.hoop.agent.masking.InfoType.BEARER_TOKEN;
import static dev.hoop.agent.masking.InfoType.EMAIL_ADDRESS;
import static dev.hoop.agent.masking.InfoType.HTTP_COOKIE;
import static dev.hoop.agent.masking.InfoType.IBAN_CODE;
import static dev.hoop.agent.masking.InfoType.IP_ADDRESS;
import static dev.hoop.agent.masking.InfoType.JSON_WEB_TOKEN;
import static dev.hoop.agent.masking.InfoType.STORAGE_SIGNED_URL;
import static dev.hoop.agent.masking.InfoType.URL;
import static dev.hoop.agent.masking.InfoType.US_PASSPORT;
import static dev.hoop.agent.masking.InfoType.VEHICLE_IDENTIFICATION_NUMBER;
import static dev.hoop.agent.masking.Numbers.on;

/**
 * One left-to-right pass over a text: at each word start (a letter, digit or sign not preceded by a
 * letter or digit) the detectors that can start with that character are tried, in a fixed order;
 * the first match is taken and the scan goes on after it. The detectors live by kind in {@link Addresses},
 * {@link WebValues}, {@link Secrets}, {@link Codes} and {@link Numbers}. Everything a detector decides depends
 * only on at most {@link Labels#REACH} characters before the position and {@link #MAX_LOOKAHEAD}
 * after it, which is what lets a stream give exactly the one-piece result (docs/masking.md#streaming).
 */
final class Scanner {
    /** The most a detector reads at once; a longer value (a PEM key) is masked in pieces ({@link Continuation}). */
    static final int PIECE = 2048;
    /**
     * The most any detector reads after its start position: a piece, plus what comes before it
     * (a PEM BEGIN line of at most 85 characters, a header name and 32 blanks) and after it (an
     * END line of at most 94 characters, one character of boundary).
     */
    static final int MAX_LOOKAHEAD = PIECE + 256;

    /** Receives the matches in order. */
    interface Sink {
        /** [start, end) is a value of the type; a continuation is the next piece of one already counted. */
        void match(int start, int end, InfoType type, boolean continuation);
    }

    /** What a stream carries from one chunk to the next besides text: a value still being masked. */
    static final class State {
        Continuation cont = Continuation.NONE;
        InfoType contType;
    }

    private Scanner() {
    }

    /**
     * Scans from {@code from}; returns where it stopped: the text's length, or (in a non-final chunk)
     * the first position that cannot be decided without more text.
     */
    static int scan(Text t, int from, long enabled, boolean passportColumn, State state, Sink sink) {
        String s = t.s;
        int len = t.len;
        int i = from;
        boolean prevWord = Text.wordChar(t.at(i - 1));
        boolean emailOn = on(enabled, EMAIL_ADDRESS);
        boolean ipOn = on(enabled, IP_ADDRESS);
        int nextAt = -1; // the next '@', and where the e-mail characters before it start
        int localStart = Integer.MAX_VALUE;
        boolean cont = state.cont != Continuation.NONE;
        while (i < len) {
            if (cont) { // only at the start and after a value longer than a piece
                t.hitEnd = false;
                int end = continuation(t, i, state.cont);
                if (t.hitEnd) {
                    return i;
                }
                if (end > i) {
                    sink.match(i, end, state.contType, true);
                    state.cont = t.cont;
                    cont = t.cont != Continuation.NONE;
                    i = end;
                    prevWord = Text.wordChar(s.charAt(i - 1));
                    continue;
                }
                state.cont = Continuation.NONE;
                cont = false;
            }
            char c = s.charAt(i);
            boolean word;
            if (c < 128) {
                int cls = Text.cls(c);
                word = (cls & Text.ALNUM) != 0;
                // The common cases first: inside a word, and a separator that starts nothing.
                if (word ? prevWord : c != '-' && (prevWord || c != '+' && c != '(' && c != ':')) {
                    prevWord = word;
                    i++;
                    continue;
                }
            } else {
                prevWord = Character.isLetterOrDigit(c);
                i++;
                continue;
            }
            // A word start (or a '-' anywhere: a PEM header may follow anything, "key:-----BEGIN").
            // The cheap prefilter: which detectors can start with c, and is there an '@' (e-mail)
            // or a ':' (IPv6) near enough? Each detector checks again by itself.
            long possible = Prefilter.start(c) & enabled;
            int next = i + 1; // where the scan goes on when nothing starts here: after the word
            if (word) {
                next = Prefilter.wordEnd(s, next, len);
                if (possible != 0 && (next < len || t.eof)) {
                    possible = Prefilter.byWord(s, i, next, len, c, possible);
                }
                if (emailOn) {
                    if (nextAt < i) {
                        nextAt = indexOf(s, '@', i, len);
                        localStart = nextAt == Integer.MAX_VALUE ? nextAt : Prefilter.localRunStart(s, i, nextAt);
                    }
                    if (i >= localStart || nextAt == Integer.MAX_VALUE && !t.eof && len - i <= Addresses.MAX_LOCAL) {
                        possible |= EMAIL_ADDRESS.bit();
                    }
                }
            }
            boolean v6 = false;
            if (ipOn && !prevWord) {
                // At most 4 hex digits, then ':' (the word's end), or a ':' here.
                v6 = c == ':' || Text.is(c, Text.HEX) && next - i <= 4 && next < len && s.charAt(next) == ':'
                        || (c == ':' || Text.is(c, Text.HEX)) && !t.eof && len - i <= 4;
            }
            if (possible != 0 || v6) {
                t.hitEnd = false;
                boolean found = detect(t, i, c, possible, v6, passportColumn);
                if (t.hitEnd) {
                    return i;
                }
                if (found) {
                    sink.match(t.start, t.end, t.type, false);
                    if (t.cont != Continuation.NONE) {
                        state.cont = t.cont;
                        state.contType = t.type;
                        cont = true;
                    }
                    i = t.end;
                    prevWord = Text.wordChar(s.charAt(i - 1));
                    continue;
                }
            }
            prevWord = word;
            i = next;
        }
        return i;
    }

    private static int indexOf(String s, char c, int from, int len) {
        int j = s.indexOf(c, from);
        return j < 0 || j >= len ? Integer.MAX_VALUE : j;
    }

    /**
     * The detectors for a word start holding c, among the possible types; false (and
     * {@link Text#hitEnd}) when undecided. {@code v6}: a ':' is near enough for an IPv6 address.
     */
    private static boolean detect(Text t, int i, char c, long on, boolean v6, boolean passportColumn) {
        t.cont = Continuation.NONE;
        if (c == '-') {
            return Secrets.pem(t, i);
        }
        if (c == ':') {
            return v6 && Addresses.ipv6(t, i);
        }
        if (c == '+' || c == '(') {
            return Numbers.detect(t, i, on, passportColumn);
        }
        switch (c) {
            case 'h', 'H', 'f', 'F' -> {
                if ((on(on, URL) || on(on, STORAGE_SIGNED_URL)) && WebValues.url(t, i, on)) {
                    return true;
                }
            }
            case 'e' -> {
                if (on(on, JSON_WEB_TOKEN) && Secrets.jwt(t, i)) {
                    return true;
                }
            }
            case 'c', 'C', 's', 'S' -> {
                if (on(on, HTTP_COOKIE) && WebValues.cookie(t, i)) {
                    return true;
                }
            }
            case 'b', 'B' -> {
                if (on(on, BEARER_TOKEN) && Secrets.bearer(t, i)) {
                    return true;
                }
            }
            case 'A' -> {
                if (on(on, AWS_ACCESS_KEY) && Secrets.aws(t, i)) {
                    return true;
                }
            }
            default -> {
            }
        }
        if (t.hitEnd) {
            return false;
        }
        t.cont = Continuation.NONE;
        if (on(on, EMAIL_ADDRESS) && Addresses.email(t, i) || t.hitEnd) {
            return !t.hitEnd;
        }
        boolean upper = c >= 'A' && c <= 'Z';
        boolean digit = c >= '0' && c <= '9';
        if (upper) {
            if (on(on, IBAN_CODE) && Codes.iban(t, i) || t.hitEnd) {
                return !t.hitEnd;
            }
            if (on(on, US_PASSPORT) && Numbers.passportLetterForm(t, i, passportColumn) || t.hitEnd) {
                return !t.hitEnd;
            }
        }
        if ((upper || digit) && on(on, VEHICLE_IDENTIFICATION_NUMBER) && Codes.vin(t, i) || t.hitEnd) {
            return !t.hitEnd;
        }
        if (v6 && Addresses.ipv6(t, i) || t.hitEnd) {
            return !t.hitEnd;
        }
        return digit && (on & NUMBER_TYPES) != 0 && Numbers.detect(t, i, on, passportColumn);
    }

    private static final long NUMBER_TYPES = PHONE_NUMBER.bit() | CREDIT_CARD_NUMBER.bit() | IP_ADDRESS.bit() | US_SOCIAL_SECURITY_NUMBER.bit()
            | US_PASSPORT.bit() | BRAZIL_CPF_NUMBER.bit() | IMEI_HARDWARE_ID.bit() | DATE_OF_BIRTH.bit();

    /** The next piece of a value longer than {@link #PIECE}; i when it ended right before i. */
    private static int continuation(Text t, int i, Continuation cont) {
        t.cont = Continuation.NONE;
        return switch (cont) {
            case PEM -> Secrets.pemBody(t, i);
            case LINE -> WebValues.lineEnd(t, i);
            case TOKEN -> Secrets.tokenEnd(t, i);
            case URL -> {
                int j = i;
                int cap = i + PIECE;
                while (j < cap && !WebValues.urlEnd(t.at(j))) {
                    j++;
                }
                int c = t.at(j);
                t.cont = c < 0 || j == cap && !WebValues.urlEnd(c) ? Continuation.URL : Continuation.NONE;
                yield j;
            }
            case NONE -> i;
        };
    }
}
