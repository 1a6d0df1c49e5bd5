package dev.hoop.agent.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A labelled corpus, generated from a seed: for each info type, values in varied real-world formats
 * (positives) and look-alikes that are not values of any type (near misses: order numbers,
 * timestamps, versions, failed check digits). Each sample says what the TOKEN-format output must be.
 */
final class Corpus {
    record Sample(InfoType type, boolean positive, String text, String expected) {
    }

    /** The one generator {@code v} draws from too: a seed gives the same corpus, whichever class draws what. */
    private final Random r;
    private final ValueFormats v;

    Corpus(long seed) {
        this.r = new Random(seed);
        this.v = new ValueFormats(r);
    }

    /** {@code perType} positives and as many negatives for each detector type. */
    List<Sample> samples(int perType) {
        List<Sample> out = new ArrayList<>();
        for (InfoType t : InfoType.values()) {
            if (t == InfoType.COLUMN) {
                continue;
            }
            for (int k = 0; k < perType; k++) {
                String v = positive(t);
                String[] ctx = context(t);
                out.add(new Sample(t, true, ctx[0] + v + ctx[1], ctx[0] + "[" + t + "]" + ctx[1]));
                boolean everyday = k % 3 == 2;
                String n = everyday ? everyday() : negative(t);
                String[] nctx = t == InfoType.DATE_OF_BIRTH || t == InfoType.US_PASSPORT || t == InfoType.URL || t == InfoType.STORAGE_SIGNED_URL
                        ? context(t) : neutral();
                out.add(new Sample(t, false, nctx[0] + n + nctx[1], nctx[0] + (everyday ? n : negativeExpected(t, n)) + nctx[1]));
            }
        }
        return out;
    }

    /** A near miss of one type may be a plain value of another (an unsigned URL is a URL). */
    private static String negativeExpected(InfoType t, String n) {
        return t == InfoType.STORAGE_SIGNED_URL ? "[URL]" : n;
    }

    private String[] neutral() {
        return v.pick2(new String[][] {{"", ""}, {"value: ", "."}, {"| ", " |"}, {"{\"v\":\"", "\"}"}, {"id=", "&x=1"}, {"see (", ") here\n"}, {"\t", "\t"}});
    }

    private String[] context(InfoType t) {
        return switch (t) {
            case DATE_OF_BIRTH -> v.pick2(new String[][] {{"DOB: ", ""}, {"date of birth ", "."}, {"born on ", " in Lyon"}, {"{\"birthdate\":\"", "\"}"}, {"dob=", "&x=1"}});
            case US_PASSPORT -> v.pick2(new String[][] {{"Passport: ", ""}, {"passport no. ", "."}, {"US passport #", " expires 2031"}, {"{\"passport\":\"", "\"}"}});
            case HTTP_COOKIE -> v.pick2(new String[][] {{"Cookie: ", "\r\nHost: x"}, {"Set-Cookie: ", "\n"}, {"cookie: ", ""}});
            case BEARER_TOKEN -> v.pick2(new String[][] {{"Authorization: Bearer ", "\n"}, {"-H 'Authorization: bearer ", "'"}, {"Bearer ", ""}});
            case PEM_PRIVATE_KEY -> v.pick2(new String[][] {{"", "\n"}, {"key file:\n", "\nend"}});
            case URL, STORAGE_SIGNED_URL -> v.pick2(new String[][] {{"", ""}, {"value: ", "."}, {"| ", " |"}, {"{\"v\":\"", "\"}"}, {"see (", ") here\n"}, {"<a href='", "'>"}});
            default -> neutral();
        };
    }

    String positive(InfoType t) {
        return switch (t) {
            case EMAIL_ADDRESS -> v.word(3, 8) + v.pick(new String[] {".", "_", "+", "-", ""}) + v.word(1, 6) + (r.nextBoolean() ? "" : v.digits(2))
                    + "@" + v.pick(new String[] {"", "mail.", "eu."}) + v.word(3, 10) + "." + v.pick(new String[] {"com", "org", "io", "co.uk", "de", "com.br", "info"});
            case PHONE_NUMBER -> v.phone();
            case CREDIT_CARD_NUMBER -> v.card();
            case IBAN_CODE -> v.iban(true);
            case IP_ADDRESS -> r.nextInt(3) == 0 ? v.ipv6() : v.ipv4();
            case US_SOCIAL_SECURITY_NUMBER -> (100 + r.nextInt(565)) + "-" + String.format("%02d", 1 + r.nextInt(99)) + "-" + String.format("%04d", 1 + r.nextInt(9999));
            case US_PASSPORT -> r.nextBoolean() ? v.digits(9) : (char) ('A' + r.nextInt(26)) + v.digits(8);
            case BRAZIL_CPF_NUMBER -> v.cpf(true);
            case URL -> v.url(false);
            case STORAGE_SIGNED_URL -> v.signedUrl();
            case HTTP_COOKIE -> v.word(2, 8) + "=" + v.alnum(8, 32) + (r.nextBoolean() ? "" : "; " + v.word(2, 6) + "=" + v.alnum(2, 10));
            case VEHICLE_IDENTIFICATION_NUMBER -> v.vin(true);
            case IMEI_HARDWARE_ID -> v.imei(true);
            case DATE_OF_BIRTH -> v.date();
            case AWS_ACCESS_KEY -> v.pick(new String[] {"AKIA", "ASIA", "AROA"}) + v.base32(16);
            case JSON_WEB_TOKEN -> v.jwt();
            case PEM_PRIVATE_KEY -> v.pem(v.pick(new String[] {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}), 3 + r.nextInt(20));
            case BEARER_TOKEN -> v.alnum(20, 60) + (r.nextBoolean() ? "" : "-" + v.alnum(4, 10)) + (r.nextBoolean() ? "" : "==");
            case COLUMN -> throw new IllegalArgumentException("no detector");
        };
    }

    String negative(InfoType t) {
        return switch (t) {
            case EMAIL_ADDRESS -> v.pick(new String[] {v.word(3, 8) + "@localhost", "@" + v.word(3, 9), v.word(2, 6) + "@" + v.word(2, 6),
                    v.word(3, 6) + "@" + v.word(3, 6) + "..com", v.word(3, 6) + " at " + v.word(3, 6) + ".com", v.word(3, 6) + "@" + v.word(3, 6) + "." + v.digits(2)});
            case PHONE_NUMBER -> v.pick(new String[] {v.date(), v.time(), "ORD-" + v.digits(3) + "-" + v.digits(4), v.digits(3) + "-" + v.digits(3) + "-" + v.digits(3),
                    v.digits(5) + "-" + v.digits(4), "1,234," + v.digits(3), "0" + (1 + r.nextInt(9)) + v.digits(1) + "-" + v.digits(3) + "-" + v.digits(4), "#" + v.digits(10),
                    "+0" + v.digits(9), "+" + v.digits(3)});
            case CREDIT_CARD_NUMBER -> v.pick(new String[] {v.broken(v.card()), "9" + v.digits(15), v.digits(13), "1" + v.digits(15)});
            case IBAN_CODE -> v.pick(new String[] {v.broken(v.iban(false)), "XX" + v.digits(20), v.iban(false).substring(0, 10), "ISO" + v.digits(4)});
            case IP_ADDRESS -> v.pick(new String[] {(256 + r.nextInt(700)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256),
                    r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(30), "1." + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10),
                    v.time(), v.mac(), "v" + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10), "192.168.001.0" + (1 + r.nextInt(9))});
            case US_SOCIAL_SECURITY_NUMBER -> v.pick(new String[] {"000-" + v.digits(2) + "-" + v.digits(4), "666-" + v.digits(2) + "-" + v.digits(4),
                    (900 + r.nextInt(100)) + "-" + v.digits(2) + "-" + v.digits(4), (100 + r.nextInt(500)) + "-00-" + v.digits(4), v.digits(3) + "-" + v.digits(3) + "-" + v.digits(3), v.digits(9)});
            case US_PASSPORT -> v.pick(new String[] {v.digits(5), v.digits(12), "none", "AB" + v.digits(7)});
            case BRAZIL_CPF_NUMBER -> v.pick(new String[] {v.cpf(false), "111.111.111-11", v.digits(3) + "." + v.digits(3) + "." + v.digits(3)});
            case URL -> v.pick(new String[] {v.word(3, 8) + ".com/" + v.word(2, 5), "http//" + v.word(3, 8) + ".com", "htp://" + v.word(3, 8) + ".org", "/usr/" + v.word(2, 6) + "/bin",
                    "https:/" + v.word(3, 8)});
            case STORAGE_SIGNED_URL -> v.url(true);
            case HTTP_COOKIE -> v.pick(new String[] {"cookie policy", "cookies: " + v.word(2, 6), "Cookie jar", "the cookie:"});
            case VEHICLE_IDENTIFICATION_NUMBER -> v.pick(new String[] {v.broken(v.vin(true)), v.vin(false).substring(0, 16), v.vin(false).toLowerCase(), "IOQ" + v.vin(false).substring(3)});
            case IMEI_HARDWARE_ID -> v.pick(new String[] {v.broken(v.imei(false)), v.digits(14), "12" + ValueFormats.luhnComplete(v.digits(12))});
            case DATE_OF_BIRTH -> v.pick(new String[] {"unknown", "n/a", v.time(), v.digits(2) + "-" + v.digits(2)});
            case AWS_ACCESS_KEY -> v.pick(new String[] {"AKIA" + v.base32(15), "AKIA" + "0189" + v.base32(12), "akia" + v.base32(16).toLowerCase(), "AKIB" + v.base32(16)});
            case JSON_WEB_TOKEN -> v.pick(new String[] {"eyJ" + v.alnum(3, 6), v.jwt().substring(0, 30).replace('.', '_'), "eyJhbGciOiJIUzI1NiJ9." + v.alnum(5, 9)});
            case PEM_PRIVATE_KEY -> v.pick(new String[] {v.pem("CERTIFICATE", 5), v.pem("PUBLIC KEY", 3), "-----BEGIN PRIVATE-----"});
            case BEARER_TOKEN -> v.pick(new String[] {"bearer of bad news", "Bearer " + v.alnum(4, 10), "bearer: " + v.word(3, 5)});
            case COLUMN -> throw new IllegalArgumentException("no detector");
        };
    }

    /**
     * Everyday values that are no info type (a third of each type's negatives): identifiers, numbers
     * of any length, timestamps, versions, amounts, hashes. Random numbers are where the check digits
     * earn their keep, and where the remaining false positives come from.
     */
    String everyday() {
        return switch (r.nextInt(12)) {
            case 0 -> java.util.UUID.nameUUIDFromBytes(v.digits(8).getBytes()).toString();
            case 1 -> v.hex(40, 40);
            case 2 -> String.format("2024-%02d-%02dT%02d:%02d:%02dZ", 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60));
            case 3 -> "v" + r.nextInt(20) + "." + r.nextInt(30) + "." + r.nextInt(100) + (r.nextBoolean() ? "" : "-beta." + r.nextInt(9));
            case 4 -> r.nextInt(100_000) + "," + v.digits(3) + "." + v.digits(2);
            case 5 -> "ORD-" + (2000 + r.nextInt(30)) + "-" + v.digits(6);
            case 6, 7, 8 -> (1 + r.nextInt(9)) + v.digits(r.nextInt(20)); // any integer, up to 20 digits
            case 9 -> v.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8, 20);
            case 10 -> (r.nextInt(180) - 90) + "." + v.digits(4) + "," + (r.nextInt(360) - 180) + "." + v.digits(4);
            default -> "/var/log/" + v.word(3, 8) + "-2024-" + String.format("%02d", 1 + r.nextInt(12)) + ".log";
        };
    }

    /** {@code lines} of random base64 in PEM armour labelled {@code label}: a long value for the streaming tests. */
    String pem(String label, int lines) {
        return v.pem(label, lines);
    }

    String date() {
        return v.date();
    }
}
