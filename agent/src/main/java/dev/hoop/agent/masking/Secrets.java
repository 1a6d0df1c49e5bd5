package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.AWS_ACCESS_KEY;
import static dev.hoop.agent.masking.InfoType.BEARER_TOKEN;
import static dev.hoop.agent.masking.InfoType.JSON_WEB_TOKEN;
import static dev.hoop.agent.masking.InfoType.PEM_PRIVATE_KEY;

/** The detectors of secrets: PEM private keys, AWS access key ids, JWTs and bearer tokens. */
final class Secrets {
    private static final int PIECE = Scanner.PIECE;
    private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"};

    private Secrets() {
    }

    /** "Bearer " and a token of at least 16 characters: the token. */
    static boolean bearer(Text t, int i) {
        if (!t.startsWithIgnoreCase(i, "bearer")) {
            return false;
        }
        int j = i + 6;
        if (t.at(j) != ' ' && t.at(j) != '\t') {
            return false;
        }
        while ((t.at(j) == ' ' || t.at(j) == '\t') && j - i < 32) {
            j++;
        }
        int ts = j;
        int end = tokenEnd(t, ts);
        return end - ts >= 16 && t.found(ts, end, BEARER_TOKEN);
    }

    /** The end of a token (base64, base64url, JWT characters) from j, at most {@link #PIECE} on. */
    static int tokenEnd(Text t, int j) {
        int cap = j + PIECE;
        while (j < cap && (Text.is(t.at(j), Text.TOKEN) || t.at(j) == '=')) {
            j++;
        }
        int c = t.at(j);
        t.cont = c < 0 || Text.is(c, Text.TOKEN) || c == '=' ? Continuation.TOKEN : Continuation.NONE;
        return j;
    }

    /** header.payload.signature, base64url, header and payload JSON objects ("eyJ…"). */
    static boolean jwt(Text t, int i) {
        if (t.at(i + 1) != 'y' || t.at(i + 2) != 'J') {
            return false;
        }
        int j = b64url(t, i + 3, i + PIECE);
        if (j - i < 10 || t.at(j) != '.' || t.at(j + 1) != 'e' || t.at(j + 2) != 'y') {
            return false;
        }
        int p = b64url(t, j + 3, i + PIECE);
        if (p - j < 4 || t.at(p) != '.') {
            return false;
        }
        int end = b64url(t, p + 1, i + PIECE);
        t.cont = end == i + PIECE || t.at(end) < 0 ? Continuation.TOKEN : Continuation.NONE;
        return t.found(i, end, JSON_WEB_TOKEN);
    }

    private static int b64url(Text t, int j, int cap) {
        while (j < cap && Text.is(t.at(j), Text.B64URL)) {
            j++;
        }
        return j;
    }

    /** "-----BEGIN … PRIVATE KEY-----" (PKCS#1, PKCS#8, encrypted, EC, OpenSSH, PGP) to its END line. */
    static boolean pem(Text t, int i) {
        if (!t.startsWithIgnoreCase(i, "-----begin ")) {
            return false;
        }
        int j = i + 11;
        int c;
        while (j - i < 80 && ((c = t.at(j)) >= 'A' && c <= 'Z' || c == ' ')) {
            j++;
        }
        if (!(endsWith(t, j, "PRIVATE KEY") || endsWith(t, j, "PRIVATE KEY BLOCK")) || !t.startsWithIgnoreCase(j, "-----")) {
            return false;
        }
        return t.found(i, pemBody(t, j + 5), PEM_PRIVATE_KEY);
    }

    private static boolean endsWith(Text t, int end, String w) {
        int from = end - w.length();
        for (int k = 0; k < w.length(); k++) {
            if (t.at(from + k) != w.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * From j in a key's body: the end of its END line, or of the text (no END: all of it is the key),
     * or, after {@link #PIECE} characters, the last line break ({@link Continuation#PEM}).
     */
    static int pemBody(Text t, int j) {
        int from = j;
        int cap = j + PIECE;
        int lastBreak = -1;
        int c;
        while (j < cap && (c = t.at(j)) >= 0) {
            if (c == '-' && t.startsWithIgnoreCase(j, "-----end ")) {
                int k = j + 9;
                while (k - j < 80 && (c = t.at(k)) >= 0 && c != '-' && c != '\n') {
                    k++;
                }
                t.cont = Continuation.NONE;
                return t.startsWithIgnoreCase(k, "-----") ? k + 5 : k;
            }
            if (c == '\n') {
                lastBreak = j + 1;
            }
            j++;
        }
        if (j < cap) {
            t.cont = Continuation.PEM; // the text ended inside the key (after a flush, what follows is key too)
            return j;
        }
        t.cont = Continuation.PEM;
        return lastBreak > from ? lastBreak : j;
    }

    /** An AWS access key id: a known prefix and 16 base32 characters. */
    static boolean aws(Text t, int i) {
        boolean prefix = false;
        for (String p : AWS_PREFIXES) {
            if (t.at(i + 1) == p.charAt(1) && t.at(i + 2) == p.charAt(2) && t.at(i + 3) == p.charAt(3)) {
                prefix = true;
                break;
            }
        }
        if (!prefix) {
            return false;
        }
        for (int k = 4; k < 20; k++) {
            int c = t.at(i + k);
            if (!(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7')) {
                return false;
            }
        }
        return !Text.wordChar(t.at(i + 20)) && t.found(i, i + 20, AWS_ACCESS_KEY);
    }
}
