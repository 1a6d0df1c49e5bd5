package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.EMAIL_ADDRESS;
import static dev.hoop.agent.masking.InfoType.IP_ADDRESS;

/**
 * The detectors of addresses: e-mail and IPv6 (IPv4 is a number: {@link Numbers}). Like every
 * detector, each reads forward from a word start and gives up at the first character that cannot
 * belong to its value (no backtracking).
 */
final class Addresses {
    static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    private Addresses() {
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
