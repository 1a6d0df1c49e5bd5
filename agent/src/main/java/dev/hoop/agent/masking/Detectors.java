package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.AWS_ACCESS_KEY;
import static dev.hoop.agent.masking.InfoType.BEARER_TOKEN;
import static dev.hoop.agent.masking.InfoType.EMAIL_ADDRESS;
import static dev.hoop.agent.masking.InfoType.HTTP_COOKIE;
import static dev.hoop.agent.masking.InfoType.IBAN_CODE;
import static dev.hoop.agent.masking.InfoType.IP_ADDRESS;
import static dev.hoop.agent.masking.InfoType.JSON_WEB_TOKEN;
import static dev.hoop.agent.masking.InfoType.PEM_PRIVATE_KEY;
import static dev.hoop.agent.masking.InfoType.STORAGE_SIGNED_URL;
import static dev.hoop.agent.masking.InfoType.URL;
import static dev.hoop.agent.masking.InfoType.VEHICLE_IDENTIFICATION_NUMBER;
import static dev.hoop.agent.masking.Numbers.on;

/**
 * The detectors that start at a letter or a sign: each reads forward from a word start, one
 * character at a time, at most {@link #PIECE} characters, and gives up at the first character that
 * cannot belong to its value (no backtracking: a scan is linear in the text).
 */
final class Detectors {
    /** The most a detector reads at once; a longer value (a PEM key) is masked in pieces ({@link Continuation}). */
    static final int PIECE = 2048;
    static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;
    private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"};

    private Detectors() {
    }

    static boolean email(Text t, int i) {
        int at = t.nextAtWithin(i, MAX_LOCAL);
        if (at == -1) {
            return false;
        }
        int j = i;
        int c;
        while (Text.is(c = t.at(j), Text.LOCAL)) {
            if (++j - i > MAX_LOCAL) {
                return false;
            }
        }
        if (c != '@' || t.at(j - 1) == '.') {
            return false;
        }
        int k = j + 1;
        int labels = 0;
        int end = -1;
        while (k - j <= MAX_DOMAIN) {
            int ls = k;
            boolean alpha = true;
            while (Text.is(c = t.at(k), Text.DOMAIN)) {
                alpha &= Text.is(c, Text.UPPER | Text.LOWER);
                k++;
            }
            int n = k - ls;
            if (n == 0 || n > 63 || t.at(ls) == '-' || t.at(k - 1) == '-') {
                break;
            }
            labels++;
            if (labels >= 2 && n >= 2 && (alpha || t.startsWithIgnoreCase(ls, "xn--"))) {
                end = k;
            }
            if (c != '.' || !Text.is(t.at(k + 1), Text.ALNUM)) {
                break;
            }
            k++;
        }
        return end > 0 && t.found(i, end, EMAIL_ADDRESS);
    }

    static boolean url(Text t, int i, long enabled) {
        int j;
        if (t.startsWithIgnoreCase(i, "https://")) {
            j = i + 8;
        } else if (t.startsWithIgnoreCase(i, "http://")) {
            j = i + 7;
        } else if (t.startsWithIgnoreCase(i, "ftps://")) {
            j = i + 7;
        } else if (t.startsWithIgnoreCase(i, "ftp://")) {
            j = i + 6;
        } else {
            return false;
        }
        int host = j;
        if (!Text.is(t.at(host), Text.ALNUM) && t.at(host) != '[') {
            return false;
        }
        int cap = i + PIECE;
        while (j < cap && !urlEnd(t.at(j))) {
            j++;
        }
        int stop = t.at(j);
        boolean more = j == cap && !urlEnd(stop);
        int full = j;
        if (!more) {
            while (j > host + 1 && ".,;:!?)]}'".indexOf(t.at(j - 1)) >= 0) {
                j--;
            }
        }
        boolean signed = on(enabled, STORAGE_SIGNED_URL) && signed(t, i, j);
        InfoType type = signed ? STORAGE_SIGNED_URL : URL;
        if (!on(enabled, type)) {
            return false;
        }
        t.cont = more || stop < 0 && j == full ? Continuation.URL : Continuation.NONE;
        return t.found(i, j, type);
    }

    static boolean urlEnd(int c) {
        return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\\' || c == 0x7f;
    }

    /** S3 / GCS V4 signatures, S3 V2 and CloudFront ("Signature=…&Expires="), Azure SAS ("sv=…&sig="). */
    private static boolean signed(Text t, int from, int to) {
        if (!t.containsIgnoreCase(from, to, "?")) {
            return false;
        }
        return t.containsIgnoreCase(from, to, "x-amz-signature=") || t.containsIgnoreCase(from, to, "x-goog-signature=")
                || t.containsIgnoreCase(from, to, "signature=") && t.containsIgnoreCase(from, to, "expires=")
                || t.containsIgnoreCase(from, to, "sig=") && (t.containsIgnoreCase(from, to, "sv=") || t.containsIgnoreCase(from, to, "se="));
    }

    /** A "Cookie:" or "Set-Cookie:" header: its value, to the end of the line. */
    static boolean cookie(Text t, int i) {
        int j;
        if (t.startsWithIgnoreCase(i, "cookie:")) {
            j = i + 7;
        } else if (t.startsWithIgnoreCase(i, "set-cookie:")) {
            j = i + 11;
        } else {
            return false;
        }
        while ((t.at(j) == ' ' || t.at(j) == '\t') && j - i < 32) {
            j++;
        }
        int vs = j;
        int c = t.at(j);
        if (!(Text.is(c, Text.ALNUM) || c == '_')) {
            return false;
        }
        while (j - vs < 256 && (Text.is(c = t.at(j), Text.TOKEN) || c == '!' || c == '#' || c == '$')) {
            j++;
        }
        if (c != '=') {
            return false; // a header value is name=value pairs ("the cookie: …" in prose is not one)
        }
        int end = lineEnd(t, vs);
        if (end == vs) {
            return false;
        }
        return t.found(vs, end, HTTP_COOKIE);
    }

    /** The end of the line from j, at most {@link #PIECE} on (then {@link Continuation#LINE}). */
    static int lineEnd(Text t, int j) {
        int cap = j + PIECE;
        int c;
        while (j < cap && (c = t.at(j)) >= 0 && c != '\r' && c != '\n') {
            j++;
        }
        c = t.at(j);
        // Longer than a piece, or cut by the end of a flushed chunk: the rest of the line is masked too.
        t.cont = c == '\r' || c == '\n' ? Continuation.NONE : Continuation.LINE;
        return j;
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

    /** Country code, check digits, the country's length of letters and digits (spaces every 4 allowed), mod-97. */
    static boolean iban(Text t, int i) {
        int a = t.at(i);
        int b = t.at(i + 1);
        if (b < 'A' || b > 'Z' || !Text.is(t.at(i + 2), Text.DIGIT) || !Text.is(t.at(i + 3), Text.DIGIT)) {
            return false;
        }
        int want = Checksums.ibanLength(a, b);
        if (want == 0) {
            return false;
        }
        t.scratch();
        char[] chars = t.digits;
        int n = 0;
        int j = i;
        while (n < want) {
            int c = t.at(j);
            if (c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
                chars[n++] = (char) c;
                j++;
            } else if (c == ' ' && n % 4 == 0 && Text.is(t.at(j + 1), Text.DIGIT | Text.UPPER)) {
                j++;
            } else {
                return false;
            }
        }
        return !Text.wordChar(t.at(j)) && Checksums.iban(chars, n) && t.found(i, j, IBAN_CODE);
    }

    /** 17 characters of ISO 3779 (no I, O, Q), letters and digits both, with a valid check digit. */
    static boolean vin(Text t, int i) {
        int k = i;
        boolean letter = false;
        boolean digit = false;
        int c;
        while (Text.wordChar(c = t.at(k))) {
            if (k - i == 17 || !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
                return false;
            }
            letter |= c >= 'A';
            digit |= c <= '9';
            k++;
        }
        return k - i == 17 && letter && digit && c != '@' && Checksums.vin(t.s, i) && t.found(i, k, VEHICLE_IDENTIFICATION_NUMBER);
    }

    /** An IPv6 address: hex groups, at most one "::", optionally an IPv4 tail. Times and MAC addresses fail. */
    static boolean ipv6(Text t, int i) {
        int prev = t.at(i - 1);
        if (prev == ':' || prev == '.') {
            return false;
        }
        int j = i;
        while (j - i < 4 && Text.is(t.at(j), Text.HEX)) {
            j++;
        }
        if (t.at(j) != ':') {
            return false;
        }
        int c;
        while (j - i < 46 && (Text.is(c = t.at(j), Text.HEX) || c == ':' || c == '.')) {
            j++;
        }
        while (j > i && t.at(j - 1) == '.') {
            j--;
        }
        int after = t.at(j);
        if (Text.wordChar(after) || after == ':' || after == '@') {
            return false;
        }
        return validIpv6(t.s, i, j) && t.found(i, j, IP_ADDRESS);
    }

    static boolean validIpv6(CharSequence s, int from, int to) {
        int k = from;
        int groups = 0;
        boolean dbl = false;
        if (s.charAt(k) == ':') {
            if (k + 1 >= to || s.charAt(k + 1) != ':') {
                return false;
            }
            dbl = true;
            k += 2;
        }
        while (k < to) {
            int gs = k;
            while (k < to && Text.is(s.charAt(k), Text.HEX)) {
                k++;
            }
            if (k < to && s.charAt(k) == '.') {
                if (!ipv4Tail(s, gs, to)) {
                    return false;
                }
                groups += 2;
                break;
            }
            int gl = k - gs;
            if (gl == 0 || gl > 4) {
                return false;
            }
            groups++;
            if (k == to) {
                break;
            }
            k++; // ':'
            if (k < to && s.charAt(k) == ':') {
                if (dbl) {
                    return false;
                }
                dbl = true;
                k++;
            } else if (k == to) {
                return false;
            }
        }
        return dbl ? groups >= 1 && groups <= 7 : groups == 8;
    }

    private static boolean ipv4Tail(CharSequence s, int from, int to) {
        int parts = 0;
        int k = from;
        while (k < to) {
            int v = 0;
            int ds = k;
            while (k < to && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                v = v * 10 + s.charAt(k) - '0';
                if (++k - ds > 3) {
                    return false;
                }
            }
            if (k == ds || v > 255) {
                return false;
            }
            parts++;
            if (k < to) {
                if (s.charAt(k) != '.') {
                    return false;
                }
                k++;
                if (k == to) {
                    return false;
                }
            }
        }
        return parts == 4;
    }
}
