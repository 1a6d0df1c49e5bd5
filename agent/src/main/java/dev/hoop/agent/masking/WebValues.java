package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.HTTP_COOKIE;
import static dev.hoop.agent.masking.InfoType.STORAGE_SIGNED_URL;
import static dev.hoop.agent.masking.InfoType.URL;
import static dev.hoop.agent.masking.Numbers.on;

/** The detectors of web values: URLs (signed storage URLs among them) and cookie header values. */
final class WebValues {
    private static final int PIECE = Scanner.PIECE;

    private WebValues() {
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
}
