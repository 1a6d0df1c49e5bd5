package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.BRAZIL_CPF_NUMBER;
import static dev.hoop.agent.masking.InfoType.CREDIT_CARD_NUMBER;
import static dev.hoop.agent.masking.InfoType.DATE_OF_BIRTH;
import static dev.hoop.agent.masking.InfoType.IMEI_HARDWARE_ID;
import static dev.hoop.agent.masking.InfoType.IP_ADDRESS;
import static dev.hoop.agent.masking.InfoType.PHONE_NUMBER;
import static dev.hoop.agent.masking.InfoType.US_PASSPORT;
import static dev.hoop.agent.masking.InfoType.US_SOCIAL_SECURITY_NUMBER;

/**
 * The detectors of numbers written with separators: one pass collects a "run" of digit groups
 * (at most {@link #MAX_RUN} characters: "+1 (415) 555-2671", "4111 1111 1111 1111", "123.456.789-09",
 * "10.0.0.1"), then its shape and check digits decide the type. A run followed by more groups after
 * a space is also tried without them ("123-45-6789 2024" holds an SSN).
 */
final class Numbers {
    static final int MAX_RUN = 40;
    private static final int MAX_GROUPS = 8;
    private static final String[] DOB_LABELS = {"birth", "dob", "born", "nascimento", "geburt"};
    private static final String[] PASSPORT_LABELS = {"passport", "passaporte", "pasaporte"};

    private Numbers() {
    }

    /** At i, a word start holding a digit, '+' or '('. */
    static boolean detect(Text t, int i, long enabled, boolean passportColumn) {
        int c = t.at(i);
        int prev = t.at(i - 1);
        if ((prev == '.' || prev == '-' || prev == '/' || prev == ',' || prev == ':') && Text.wordChar(t.at(i - 2))) {
            return false; // the tail of a bigger number, a date or a version ("1.2.3.4.5", "2024-01-15")
        }
        if (c >= '0' && c <= '9') {
            // Cheap reject of the common short numbers ("200", "12ms"): a plain value has at least
            // 9 digits, a written one a separator and another digit.
            int j = i + 1;
            while (Text.is(t.at(j), Text.DIGIT) && j - i < 9) {
                j++;
            }
            int sep = t.at(j);
            if (j - i < 9 && !((sep == ' ' || sep == '-' || sep == '.' || sep == '/' || sep == ')') && (Text.is(t.at(j + 1), Text.DIGIT) || t.at(j + 1) == '('))) {
                return false;
            }
        }
        t.scratch();
        int[] groupLen = t.groupLen;
        int[] sepCode = t.sepCode;
        char[] digits = t.digits;
        boolean plus = c == '+';
        boolean paren = c == '(';
        boolean open = paren;
        int j = plus || paren ? i + 1 : i;
        int groups = 0;
        int nd = 0;
        int[] groupEnd = t.groupEnd;
        while (true) {
            int gs = j;
            while ((c = t.at(j)) >= '0' && c <= '9') {
                digits[nd++] = (char) c;
                j++;
                if (j - i > MAX_RUN) {
                    return false; // too long to be one value; its parts are tried from their own starts
                }
            }
            if (j == gs) {
                return false;
            }
            groupLen[groups] = j - gs;
            groupEnd[groups] = j;
            groups++;
            if (groups == MAX_GROUPS) {
                break;
            }
            int k = j;
            int code = 0;
            if (c == ')') {
                if (!open) {
                    break;
                }
                open = false;
                code = c;
                c = t.at(++k);
            }
            if (c == ' ' || c == '-' || c == '.' || c == '/') {
                code = code << 8 | c;
                c = t.at(++k);
            }
            if (c == '(' && !open) {
                open = true;
                code = code << 8 | c;
                c = t.at(++k);
            }
            if (code == 0 || c < '0' || c > '9') {
                break;
            }
            sepCode[groups] = code;
            j = k;
        }
        if (paren && (groups < 2 || (sepCode[1] >> 8) != ')' && sepCode[1] != ')')) {
            return false;
        }
        int ndPrefix = nd;
        for (int p = groups; p >= 1; p--) {
            if (p < groups) {
                ndPrefix -= groupLen[p];
                if (sepCode[p] != ' ') {
                    continue;
                }
            }
            int ending = p < groups ? CLEAN : ending(t, groupEnd[p - 1]);
            if (ending == GLUED) {
                continue;
            }
            InfoType type = classify(t, i, p, ndPrefix, plus, paren, enabled, passportColumn);
            if (ending == PORT && type != IP_ADDRESS) {
                continue;
            }
            if (type != null) {
                return t.found(i, groupEnd[p - 1], type);
            }
        }
        return false;
    }

    private static final int CLEAN = 0, GLUED = 1, PORT = 2;

    /**
     * GLUED when a letter, '@' or further digits follow the end ("10:30", "1,234", "42abc");
     * PORT for ":digits", which only an IP address may have ("10.0.0.1:5432").
     */
    private static int ending(Text t, int end) {
        int c = t.at(end);
        if (Text.wordChar(c) || c == '@' || c == '_') {
            return GLUED;
        }
        if (c == ',' || c == ':' || c == '.' || c == '-' || c == '/') {
            int d = t.at(end + 1);
            if (d >= '0' && d <= '9') {
                return c == ':' ? PORT : GLUED;
            }
        }
        return CLEAN;
    }

    private static InfoType classify(Text t, int i, int p, int nd, boolean plus, boolean paren, long enabled, boolean passportColumn) {
        char[] d = t.digits;
        int[] len = t.groupLen;
        if (plus) {
            // E.164: a country code (not 0) and at most 15 digits in all.
            return on(enabled, PHONE_NUMBER) && nd >= 8 && nd <= 15 && d[0] != '0' ? PHONE_NUMBER : null;
        }
        if (paren) {
            return on(enabled, PHONE_NUMBER) && p == 3 && len[0] == 3 && len[1] == 3 && len[2] == 4
                    && (t.sepCode[2] == '-' || t.sepCode[2] == ' ' || t.sepCode[2] == '.') && nanp(d, 0) ? PHONE_NUMBER : null;
        }
        if (on(enabled, IP_ADDRESS) && p == 4 && sameSeps(t, p, '.') && ipv4(d, len)) {
            return IP_ADDRESS;
        }
        if (on(enabled, US_SOCIAL_SECURITY_NUMBER) && p == 3 && len[0] == 3 && len[1] == 2 && len[2] == 4
                && (sameSeps(t, p, '-') || sameSeps(t, p, ' ')) && ssn(d)) {
            return US_SOCIAL_SECURITY_NUMBER;
        }
        if (on(enabled, BRAZIL_CPF_NUMBER) && nd == 11 && (p == 1 || p == 4 && len[0] == 3 && len[1] == 3 && len[2] == 3
                && t.sepCode[1] == '.' && t.sepCode[2] == '.' && t.sepCode[3] == '-') && Checksums.cpf(d, nd)) {
            return BRAZIL_CPF_NUMBER;
        }
        boolean uniform = p == 1 || sameSeps(t, p, ' ') || sameSeps(t, p, '-');
        if (on(enabled, CREDIT_CARD_NUMBER) && nd >= 12 && nd <= 19 && uniform && (p == 1 || len[0] == 4)
                && Checksums.cardPrefix(d, nd) && Checksums.luhn(d, nd)) {
            return CREDIT_CARD_NUMBER;
        }
        if (on(enabled, IMEI_HARDWARE_ID) && nd == 15 && uniform && Checksums.imeiPrefix(d) && Checksums.luhn(d, nd)) {
            return IMEI_HARDWARE_ID;
        }
        if (on(enabled, PHONE_NUMBER)) {
            boolean seps = sameSeps(t, p, '-') || sameSeps(t, p, '.') || sameSeps(t, p, ' ');
            if (seps && p == 3 && len[0] == 3 && len[1] == 3 && len[2] == 4 && nanp(d, 0)) {
                return PHONE_NUMBER;
            }
            if (seps && p == 4 && len[0] == 1 && d[0] == '1' && len[1] == 3 && len[2] == 3 && len[3] == 4 && nanp(d, 1)) {
                return PHONE_NUMBER;
            }
            if (p >= 2 && d[0] == '0' && d[1] == '0' && len[0] <= 5 && !(t.at(i - 1) == ' ' && Text.is(t.at(i - 2), Text.DIGIT)) && nd >= 10 && nd <= 17 && d[2] != '0') {
                return PHONE_NUMBER; // "00" international prefix, as dialled in Europe
            }
        }
        if (on(enabled, DATE_OF_BIRTH) && p == 3 && (sameSeps(t, p, '-') || sameSeps(t, p, '/') || sameSeps(t, p, '.'))
                && date(d, len) && Labels.before(t, i, DOB_LABELS)) {
            return DATE_OF_BIRTH;
        }
        if (on(enabled, US_PASSPORT) && p == 1 && nd == 9 && (passportColumn || Labels.before(t, i, PASSPORT_LABELS))) {
            return US_PASSPORT;
        }
        return null;
    }

    /** A letter and 8 digits ("A12345678"), the newer US passport book numbers; only where labelled. */
    static boolean passportLetterForm(Text t, int i, boolean passportColumn) {
        for (int k = 1; k <= 8; k++) {
            int c = t.at(i + k);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        int after = t.at(i + 9);
        if (Text.wordChar(after) || after == '@') {
            return false;
        }
        return (passportColumn || Labels.before(t, i, PASSPORT_LABELS)) && t.found(i, i + 9, US_PASSPORT);
    }

    static boolean on(long enabled, InfoType type) {
        return (enabled & type.bit()) != 0;
    }

    private static boolean sameSeps(Text t, int p, int code) {
        for (int k = 1; k < p; k++) {
            if (t.sepCode[k] != code) {
                return false;
            }
        }
        return true;
    }

    /** North American numbering plan: area code and exchange start with 2-9. */
    private static boolean nanp(char[] d, int from) {
        return d[from] >= '2' && d[from + 3] >= '2';
    }

    private static boolean ipv4(char[] d, int[] len) {
        int k = 0;
        for (int g = 0; g < 4; g++) {
            if (len[g] > 3 || len[g] > 1 && d[k] == '0') {
                return false;
            }
            int v = 0;
            for (int e = 0; e < len[g]; e++) {
                v = v * 10 + d[k++] - '0';
            }
            if (v > 255) {
                return false;
            }
        }
        return true;
    }

    /** SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000. */
    private static boolean ssn(char[] d) {
        int area = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
        boolean group = d[3] != '0' || d[4] != '0';
        boolean serial = d[5] != '0' || d[6] != '0' || d[7] != '0' || d[8] != '0';
        return area != 0 && area != 666 && area < 900 && group && serial;
    }

    /** yyyy-mm-dd, dd/mm/yyyy or mm/dd/yyyy with a plausible birth year. */
    private static boolean date(char[] d, int[] len) {
        int a = num(d, 0, len[0]);
        int b = num(d, len[0], len[1]);
        int c = num(d, len[0] + len[1], len[2]);
        if (len[0] == 4 && len[1] <= 2 && len[2] <= 2) {
            return year(a) && b >= 1 && b <= 12 && c >= 1 && c <= 31;
        }
        if (len[0] <= 2 && len[1] <= 2 && len[2] == 4) {
            return year(c) && a >= 1 && b >= 1 && (a <= 12 && b <= 31 || b <= 12 && a <= 31);
        }
        return false;
    }

    private static boolean year(int y) {
        return y >= 1900 && y <= 2099;
    }

    private static int num(char[] d, int from, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            v = v * 10 + d[from + k] - '0';
        }
        return v;
    }
}
