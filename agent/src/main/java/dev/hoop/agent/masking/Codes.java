package dev.hoop.agent.masking;

import static dev.hoop.agent.masking.InfoType.IBAN_CODE;
import static dev.hoop.agent.masking.InfoType.VEHICLE_IDENTIFICATION_NUMBER;

/** The detectors of letter-and-digit codes with a check digit: IBANs (mod-97) and VINs (ISO 3779). */
final class Codes {
    private Codes() {
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
}
