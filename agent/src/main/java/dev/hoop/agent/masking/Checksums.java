package dev.hoop.agent.masking;

/** The check digits that keep false positives low (docs/masking.md#info-types). */
final class Checksums {
    private Checksums() {
    }

    /** Luhn (ISO/IEC 7812): cards and IMEIs. */
    static boolean luhn(char[] d, int n) {
        int sum = 0;
        boolean dbl = false;
        for (int k = n - 1; k >= 0; k--) {
            int v = d[k] - '0';
            if (dbl) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616 mod-97 over the IBAN's characters (upper-case letters and digits). */
    static boolean iban(char[] c, int n) {
        int rem = 0;
        for (int k = 0; k < n; k++) {
            char ch = c[(k + 4) % n];
            if (ch >= '0' && ch <= '9') {
                rem = (rem * 10 + (ch - '0')) % 97;
            } else {
                rem = (rem * 100 + (ch - 'A' + 10)) % 97;
            }
        }
        return rem == 1;
    }

    /** The two check digits of a Brazilian CPF (11 digits; all the same digit is refused). */
    static boolean cpf(char[] d, int n) {
        if (n != 11) {
            return false;
        }
        boolean same = true;
        for (int k = 1; k < 11; k++) {
            same &= d[k] == d[0];
        }
        if (same) {
            return false;
        }
        return cpfDigit(d, 9) == d[9] - '0' && cpfDigit(d, 10) == d[10] - '0';
    }

    private static int cpfDigit(char[] d, int count) {
        int sum = 0;
        for (int k = 0; k < count; k++) {
            sum += (d[k] - '0') * (count + 1 - k);
        }
        int r = (sum * 10) % 11;
        return r == 10 ? 0 : r;
    }

    private static final int[] VIN_WEIGHTS = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final String VIN_VALUES = "12345678.12345.7.923456789"; // A..Z; '.' = not allowed (I, O, Q)

    /** The check digit (9th character) of a 17-character VIN (North American rule, ISO 3779 characters). */
    static boolean vin(CharSequence s, int from) {
        int sum = 0;
        for (int k = 0; k < 17; k++) {
            char c = s.charAt(from + k);
            int v;
            if (c >= '0' && c <= '9') {
                v = c - '0';
            } else if (c >= 'A' && c <= 'Z' && VIN_VALUES.charAt(c - 'A') != '.') {
                v = VIN_VALUES.charAt(c - 'A') - '0';
            } else {
                return false;
            }
            sum += v * VIN_WEIGHTS[k];
        }
        int check = sum % 11;
        char expected = check == 10 ? 'X' : (char) ('0' + check);
        return s.charAt(from + 8) == expected;
    }

    /** IBAN length per country (ISO 13616 registry); 0 for a code that has no IBAN. */
    static int ibanLength(int a, int b) {
        int idx = IBAN_COUNTRIES.indexOf(new String(new char[] {(char) a, (char) b}));
        return idx < 0 || idx % 5 != 0 ? 0 : Integer.parseInt(IBAN_COUNTRIES, idx + 2, idx + 4, 10);
    }

    private static final String IBAN_COUNTRIES = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 "
            + "DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 "
            + "IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 "
            + "PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 ";

    /** Issuer prefixes (IIN ranges) and lengths of the card networks. */
    static boolean cardPrefix(char[] d, int n) {
        int p2 = (d[0] - '0') * 10 + (d[1] - '0');
        int p3 = p2 * 10 + (d[2] - '0');
        int p4 = p3 * 10 + (d[3] - '0');
        int p6 = p4 * 100 + (d[4] - '0') * 10 + (d[5] - '0');
        if (d[0] == '4') {
            return n == 13 || n == 16 || n == 19;                               // Visa
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) || (p4 >= 2200 && p4 <= 2204)) {
            return n == 16;                                                     // Mastercard, Mir
        }
        if (p2 == 34 || p2 == 37) {
            return n == 15;                                                     // American Express
        }
        if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925) || p2 == 62) {
            return n >= 16 && n <= 19;                                          // Discover, UnionPay
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return n >= 16 && n <= 19;                                          // JCB
        }
        if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
            return n >= 14 && n <= 19;                                          // Diners Club
        }
        if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 63 || p2 == 67) {
            return n >= 16 && n <= 19;                                          // Maestro
        }
        return false;
    }

    /** IMEI reporting-body identifiers (the first two digits of the type allocation code). */
    static boolean imeiPrefix(char[] d) {
        int p2 = (d[0] - '0') * 10 + (d[1] - '0');
        return switch (p2) {
            case 1, 10, 30, 33, 35, 44, 45, 49, 50, 51, 52, 53, 54, 86, 91, 98, 99 -> true;
            default -> false;
        };
    }
}
