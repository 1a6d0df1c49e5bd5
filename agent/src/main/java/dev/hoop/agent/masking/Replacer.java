package dev.hoop.agent.masking;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Writes a found value in the policy's format for its type (docs/masking.md#formats). */
final class Replacer {
    /** Hex characters of the HMAC kept in a HASH token: 64 bits, enough to tell values apart. */
    static final int HASH_HEX_CHARS = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final MaskFormat[] formats = new MaskFormat[InfoType.values().length];
    private final String[] tokens = new String[InfoType.values().length];
    private final Mac mac;

    Replacer(MaskingPolicy policy) {
        for (InfoType t : InfoType.values()) {
            formats[t.ordinal()] = policy.formatOf(t);
            tokens[t.ordinal()] = "[" + t.name() + "]";
        }
        byte[] key = policy.hashKeyShared();
        Mac m = null;
        if (key.length > 0) {
            try {
                m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
            }
        }
        this.mac = m;
    }

    /** Appends the replacement of s[start, end); a continuation piece adds nothing to a token. */
    void append(StringBuilder out, InfoType type, CharSequence s, int start, int end, boolean continuation) {
        switch (formats[type.ordinal()]) {
            case TOKEN -> {
                if (!continuation) {
                    out.append(tokens[type.ordinal()]);
                }
            }
            case HASH -> {
                if (!continuation) {
                    out.append(type.name()).append(':').append(hash(s, start, end));
                }
            }
            case KEEP_SHAPE -> shape(out, type, s, start, end);
        }
    }

    private String hash(CharSequence s, int start, int end) {
        byte[] digest;
        byte[] input = s.subSequence(start, end).toString().getBytes(StandardCharsets.UTF_8);
        synchronized (mac) {
            digest = mac.doFinal(input);
        }
        char[] hex = new char[HASH_HEX_CHARS];
        for (int k = 0; k < HASH_HEX_CHARS / 2; k++) {
            hex[2 * k] = HEX[(digest[k] >> 4) & 0xf];
            hex[2 * k + 1] = HEX[digest[k] & 0xf];
        }
        return new String(hex);
    }

    private static void shape(StringBuilder out, InfoType type, CharSequence s, int start, int end) {
        switch (type) {
            case EMAIL_ADDRESS -> email(out, s, start, end);
            case CREDIT_CARD_NUMBER, US_SOCIAL_SECURITY_NUMBER, IMEI_HARDWARE_ID -> keepLast(out, s, start, end, 0, 4);
            case IBAN_CODE -> keepLast(out, s, start, end, 2, 4);
            case PHONE_NUMBER -> keepLast(out, s, start, end, 0, 2);
            case URL, STORAGE_SIGNED_URL -> {
                int scheme = indexOf(s, start, end, "://");
                int from = scheme < 0 ? start : scheme + 3;
                out.append(s, start, from);
                stars(out, s, from, end);
            }
            case PEM_PRIVATE_KEY -> pem(out, s, start, end);
            default -> stars(out, s, start, end);
        }
    }

    /** j***@*******.com: the local part's first character and the top-level domain stay. */
    private static void email(StringBuilder out, CharSequence s, int start, int end) {
        int at = indexOf(s, start, end, "@");
        int lastDot = at;
        for (int k = end - 1; k > at; k--) {
            if (s.charAt(k) == '.') {
                lastDot = k;
                break;
            }
        }
        out.append(s.charAt(start));
        for (int k = start + 1; k < at; k++) {
            out.append('*');
        }
        out.append('@');
        for (int k = at + 1; k < lastDot; k++) {
            out.append(s.charAt(k) == '.' ? '.' : '*');
        }
        out.append(s, lastDot, end);
    }

    /** Separators stay; the first {@code head} and last {@code tail} letters or digits stay. */
    private static void keepLast(StringBuilder out, CharSequence s, int start, int end, int head, int tail) {
        int total = 0;
        for (int k = start; k < end; k++) {
            total += Character.isLetterOrDigit(s.charAt(k)) ? 1 : 0;
        }
        int seen = 0;
        for (int k = start; k < end; k++) {
            char c = s.charAt(k);
            if (Character.isLetterOrDigit(c)) {
                out.append(seen < head || seen >= total - tail && total > head + tail + 2 ? c : '*');
                seen++;
            } else {
                out.append(c);
            }
        }
    }

    /** BEGIN and END lines stay, the key's characters become '*'. */
    private static void pem(StringBuilder out, CharSequence s, int start, int end) {
        int k = start;
        while (k < end) {
            int eol = k;
            while (eol < end && s.charAt(eol) != '\n') {
                eol++;
            }
            int lineEnd = eol < end ? eol + 1 : eol;
            if (eol - k >= 5 && indexOf(s, k, k + 5, "-----") == k) {
                out.append(s, k, lineEnd);
            } else {
                stars(out, s, k, lineEnd);
            }
            k = lineEnd;
        }
    }

    /** Every letter or digit (any script, one '*' per code point) becomes '*'. */
    static void stars(StringBuilder out, CharSequence s, int start, int end) {
        for (int k = start; k < end; ) {
            int cp = Character.codePointAt(s, k);
            int n = Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.OTHER_SYMBOL) {
                out.append('*');
            } else {
                out.append(s, k, Math.min(k + n, end));
            }
            k += n;
        }
    }

    private static int indexOf(CharSequence s, int from, int to, String needle) {
        for (int k = from; k + needle.length() <= to; k++) {
            int m = 0;
            while (m < needle.length() && s.charAt(k + m) == needle.charAt(m)) {
                m++;
            }
            if (m == needle.length()) {
                return k;
            }
        }
        return -1;
    }
}
